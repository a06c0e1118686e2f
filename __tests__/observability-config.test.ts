import { COST_ANOMALY_OFF, observabilityNotes } from '../config/sections/observability';
import { loadVariant, problemsOf } from './support/env-files';

const FILE = 'config/environments/dev.yaml';

describe('observability config', () => {
  it('takes the seed thresholds and the tier presets', () => {
    const prod = loadVariant('prod', {}).loaded!.config.observability;
    expect(prod.thresholds).toEqual({
      p95LatencyMs: 1000,
      errorRatePercent: 5,
      gpuUtilizationPercent: 90,
      gpuSaturationMinutes: 10,
      costAnomalyMultiplier: 1.5,
      dailyCostBaselineUsd: 500,
      sqlCpuPercent: 80,
      sqlDiskPercent: 85,
      sqlReplicationLagSeconds: 60,
      redisMemoryPercent: 80,
    });
    expect(prod.slo).toEqual(
      expect.objectContaining({ availabilityPercent: 99.9, latencyP95Ms: 300, latencyGoalPercent: 95 }),
    );
    expect(prod.logRetentionDays).toBe(90);
    const startup = loadVariant('dev', {}, { tier: 'startup' }).loaded!.config.observability;
    expect(startup.thresholds.dailyCostBaselineUsd).toBe(30);
    expect(startup.slo.latencyP95Ms).toBe(500);
  });

  it('notes that the cost_anomaly alert is off when switched off, and nothing when it is on', () => {
    expect(observabilityNotes(loadVariant('prod', {}).loaded!.config)).toEqual([COST_ANOMALY_OFF]);
    const on = loadVariant('prod', {
      observability: { billingAccountId: '01ABCD-23EF45-6789AB', costAnomaly: { enabled: true } },
    });
    expect(observabilityNotes(on.loaded!.config)).toEqual([]);
  });

  it('rejects an invalid email', () => {
    expect(problemsOf('dev', { observability: { notifications: { emails: ['oncall@'] } } })).toEqual([
      `${FILE}: observability.notifications.emails.0 ("oncall@") is not an email address. Fix: write it as "name@example.com"`,
    ]);
  });

  it('rejects a percentage above 100', () => {
    expect(problemsOf('dev', { observability: { thresholds: { errorRatePercent: 120 } } })).toEqual([
      `${FILE}: observability.thresholds.errorRatePercent (120) is not a percentage between 0 and 100. Fix: use a number above 0 and at most 100`,
    ]);
  });

  it('rejects a negative latency', () => {
    expect(problemsOf('dev', { observability: { thresholds: { p95LatencyMs: -5 } } })).toEqual([
      `${FILE}: observability.thresholds.p95LatencyMs (-5) is not a positive latency. Fix: use a number of milliseconds above 0`,
    ]);
  });

  it.each([100, 100.5])('rejects an SLO goal of %s %%', (goal) => {
    expect(problemsOf('dev', { observability: { slo: { availabilityPercent: goal } } })).toEqual([
      `${FILE}: observability.slo.availabilityPercent (${goal}) leaves no error budget: an SLO goal must be below 100 %. Fix: use a goal such as 99.9`,
    ]);
  });

  it('names the billing account field when the cost_anomaly alert is on without it', () => {
    expect(problemsOf('dev', { observability: { costAnomaly: { enabled: true } } })).toEqual([
      `${FILE}: observability.billingAccountId is missing while costAnomaly.enabled is on (the cost_anomaly alert is a budget on the billing account). Fix: set observability.billingAccountId (e.g. "012345-6789AB-CDEF01"), or set observability.costAnomaly.enabled: false to deploy without the cost_anomaly alert`,
    ]);
  });

  it('rejects a malformed billing account id and secret reference', () => {
    expect(
      problemsOf('dev', {
        observability: {
          billingAccountId: '0123456789',
          notifications: { pagerDutyServiceKeySecret: 'projects/p/secrets/pd' },
        },
      }),
    ).toEqual([
      `${FILE}: observability.notifications.pagerDutyServiceKeySecret ("projects/p/secrets/pd") is not a Secret Manager secret id. Fix: up to 255 letters, digits, "-" and "_" (the secret must live in the environment's project)`,
      `${FILE}: observability.billingAccountId ("0123456789") is not a billing account id. Fix: use the id shown by "gcloud billing accounts list", e.g. "012345-6789AB-CDEF01"`,
    ]);
  });
});
