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
      gpuPendingMinutes: 15,
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

  it('notes that the cost alerts are off when switched off, and nothing when it is on', () => {
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

  it.each([99.995, 100, 100.5])('rejects an SLO goal of %s %% (the API takes goals up to 0.9999)', (goal) => {
    expect(problemsOf('dev', { observability: { slo: { availabilityPercent: goal } } })).toEqual([
      `${FILE}: observability.slo.availabilityPercent (${goal}) is above 99.99 %, the highest SLO goal Cloud Monitoring accepts (goal <= 0.9999). Fix: use a goal such as 99.9`,
    ]);
  });

  it('accepts an SLO goal of exactly 99.99 %', () => {
    const { loaded } = loadVariant('dev', { observability: { slo: { availabilityPercent: 99.99 } } });
    expect(loaded!.config.observability.slo.availabilityPercent).toBe(99.99);
  });

  it("takes the SRE workbook's three burn-rate alerts by default", () => {
    expect(loadVariant('prod', {}).loaded!.config.observability.slo).toEqual(
      expect.objectContaining({
        fastBurn: { longWindowMinutes: 60, shortWindowMinutes: 5, threshold: 14.4, severity: 'CRITICAL' },
        mediumBurn: { longWindowMinutes: 360, shortWindowMinutes: 30, threshold: 6, severity: 'CRITICAL' },
        slowBurn: { longWindowMinutes: 1440, shortWindowMinutes: 120, threshold: 3, severity: 'WARNING' },
      }),
    );
  });

  it('rejects a burn-rate short window that is not shorter than its long window', () => {
    expect(
      problemsOf('dev', {
        observability: { slo: { fastBurn: { longWindowMinutes: 60, shortWindowMinutes: 60 } } },
      }),
    ).toEqual([
      `${FILE}: observability.slo.fastBurn.shortWindowMinutes (60) is not shorter than longWindowMinutes (60). Fix: use about 1/12 of the long window, e.g. 5`,
    ]);
  });

  it('rejects a burn-rate window longer than the 24 hours Cloud Monitoring supports', () => {
    expect(
      problemsOf('dev', {
        observability: { slo: { slowBurn: { longWindowMinutes: 1441, shortWindowMinutes: 120 } } },
      }),
    ).toEqual([
      `${FILE}: observability.slo.slowBurn.longWindowMinutes (1441) is longer than 24 hours; Cloud Monitoring does not evaluate burn-rate alerts over more than 24 h ("Alerting on your burn rate", lookback periods). Fix: use at most 1440 minutes; a slower steady burn is caught by the SLO's error budget`,
    ]);
  });

  it('accepts a burn-rate window of exactly 24 hours', () => {
    const { loaded } = loadVariant('dev', {
      observability: { slo: { slowBurn: { longWindowMinutes: 1440 } } },
    });
    expect(loaded!.config.observability.slo.slowBurn.longWindowMinutes).toBe(1440);
  });

  it('rejects paging severities without a paging channel', () => {
    expect(
      problemsOf('dev', { observability: { notifications: { pageSeverities: ['CRITICAL', 'ERROR'] } } }),
    ).toEqual([
      `${FILE}: observability.notifications.pagerDutyServiceKeySecret is missing while notifications.pageSeverities (CRITICAL, ERROR) page: those alerts would reach email only. Fix: set observability.notifications.pagerDutyServiceKeySecret (or webhookUrlSecret) to a Secret Manager secret id, or set observability.notifications.pageSeverities: [] to send every alert by email`,
    ]);
  });

  it('pages critical alerts in prod, and nowhere else unless asked', () => {
    const notifications = (env: string) => loadVariant(env, {}).loaded!.config.observability.notifications;
    expect(notifications('prod')).toEqual(
      expect.objectContaining({
        pageSeverities: ['CRITICAL'],
        pagerDutyServiceKeySecret: 'afpi-pagerduty-service-key',
      }),
    );
    expect(notifications('dev').pageSeverities).toEqual([]);
    expect(notifications('staging').pageSeverities).toEqual([]);
  });

  it('rejects a billing export dataset id BigQuery would refuse', () => {
    expect(
      problemsOf('dev', { observability: { costAnomaly: { billingExportDataset: 'billing-export' } } }),
    ).toEqual([
      `${FILE}: observability.costAnomaly.billingExportDataset ("billing-export") is not a BigQuery dataset id. Fix: letters, digits and "_" only, e.g. "billing_export"`,
    ]);
  });

  it('names the billing account field when the cost_anomaly alert is on without it', () => {
    expect(problemsOf('dev', { observability: { costAnomaly: { enabled: true } } })).toEqual([
      `${FILE}: observability.billingAccountId is missing while costAnomaly.enabled is on (the cost alerts read the billing account's export and budget). Fix: set observability.billingAccountId (e.g. "012345-6789AB-CDEF01"), or set observability.costAnomaly.enabled: false to deploy without the cost_anomaly alert`,
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
