import { MonitoringSlo, MonitoringSloRequestBasedSli } from '@cdktf/provider-google/lib/monitoring-slo';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { seconds } from '../observability/metric-filters';
import { AlertCondition, AlertPolicy, Severity } from './alert-policy';

/** Good requests are all requests minus the bad ones (e.g. 5xx). */
export interface AvailabilitySli {
  readonly kind: 'availability';
  readonly totalFilter: string;
  readonly badFilter: string;
}

/** Good requests are those faster than `thresholdMs` in a latency distribution. */
export interface LatencySli {
  readonly kind: 'latency';
  readonly distributionFilter: string;
  readonly thresholdMs: number;
}

/** One multi-window burn-rate alert: the long window and the short one must both burn above the threshold. */
export interface BurnRateAlert {
  /** Names the policy: `slo_<sloId>_<name>_burn`. */
  readonly name: string;
  /** Shows enough of the budget is gone to matter. */
  readonly longWindowMinutes: number;
  /** Shows it is still burning now, so the incident closes soon after recovery. */
  readonly shortWindowMinutes: number;
  /** Times faster than the goal allows. */
  readonly threshold: number;
  readonly severity: Severity;
}

export interface ServiceSloProps {
  /** Project of the Monitoring service. */
  readonly projectId: string;
  /**
   * `service_id` of the Monitoring service the SLO belongs to, known at synth time: the burn-rate filters quote
   * the SLO's resource name, and `synth --hcl` cannot quote a reference. Put the service in `dependsOn`.
   */
  readonly serviceId: string;
  /** Short id, e.g. `availability`; also names the burn-rate alerts. */
  readonly sloId: string;
  readonly displayName: string;
  /** Goal as a percentage, above 0 and at most 99.99 (the API's limit). */
  readonly goalPercent: number;
  readonly rollingPeriodDays: number;
  readonly sli: AvailabilitySli | LatencySli;
  /** One alert policy each. */
  readonly burnRates: readonly BurnRateAlert[];
  /** Channel names per severity. */
  readonly notificationChannels: Readonly<Record<Severity, readonly string[]>>;
  readonly subjectPrefix: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

function requestBasedSli(sli: AvailabilitySli | LatencySli): MonitoringSloRequestBasedSli {
  return sli.kind === 'availability'
    ? { goodTotalRatio: { totalServiceFilter: sli.totalFilter, badServiceFilter: sli.badFilter } }
    : { distributionCut: { distributionFilter: sli.distributionFilter, range: { max: sli.thresholdMs } } };
}

/** `3600s` as `1 h`, `4320 min` as `3 d`: how windows read in names and documentation. */
function windowText(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} d`;
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/**
 * A request-based SLO with the SRE workbook's multi-window, multi-burn-rate alerts (chapter 5, "Alerting on
 * SLOs"): each policy ANDs the burn rate over a long window (enough budget is gone) with the same rate over a
 * short one (it is still burning), both evaluated at once (duration 0). A short total outage pages within
 * minutes, and the incident closes once the short window recovers instead of an hour later.
 */
export class ServiceSlo extends Construct {
  readonly slo: MonitoringSlo;
  /** Burn-rate alert policies, in the order of `burnRates`. */
  readonly burnAlerts: AlertPolicy[];

  constructor(scope: Construct, id: string, props: ServiceSloProps) {
    super(scope, id);
    this.slo = new MonitoringSlo(this, 'slo', {
      service: props.serviceId,
      sloId: props.sloId,
      displayName: props.displayName,
      // Rounded: 99.9 / 100 is 0.9990000000000001 in floating point.
      goal: Math.round(props.goalPercent * 10_000) / 1_000_000,
      rollingPeriodDays: props.rollingPeriodDays,
      requestBasedSli: requestBasedSli(props.sli),
      dependsOn: props.dependsOn,
    });
    const sloName = `projects/${props.projectId}/services/${props.serviceId}/serviceLevelObjectives/${props.sloId}`;
    const burnRate = (minutes: number, threshold: number): AlertCondition => ({
      kind: 'threshold',
      displayName: `${props.sloId} burn rate over ${windowText(minutes)}`,
      signal: { filter: `select_slo_burn_rate("${sloName}", "${seconds(minutes * 60)}")` },
      comparison: 'COMPARISON_GT',
      threshold,
      durationSeconds: 0,
    });
    this.burnAlerts = props.burnRates.map((rate) => {
      const long = windowText(rate.longWindowMinutes);
      const short = windowText(rate.shortWindowMinutes);
      const page = rate.severity === 'CRITICAL';
      return new AlertPolicy(this, `${rate.name}-burn`, {
        name: `slo_${props.sloId}_${rate.name}_burn`,
        displayName: `SLO ${props.displayName}: error budget burning > ${rate.threshold}x over ${long} and ${short}`,
        severity: rate.severity,
        meaning:
          `The error budget of "${props.displayName}" (goal ${props.goalPercent} % over ${props.rollingPeriodDays} days) ` +
          `has burned more than ${rate.threshold}x faster than the goal allows over the last ${long}, and still does over the last ${short}. ` +
          `At ${rate.threshold}x the whole budget lasts ${Math.round((props.rollingPeriodDays / rate.threshold) * 10) / 10} days.`,
        firstSteps: [
          'Open the SLO in Cloud Monitoring (Services) and find when the burn started.',
          'Correlate with deploys (Cloud Run revisions), the serving dashboard and backend error logs.',
          page
            ? 'If a new revision is the cause, shift traffic back to the previous revision now.'
            : 'Open a ticket; plan the fix before the budget runs out.',
        ],
        conditions: [rate.longWindowMinutes, rate.shortWindowMinutes].map((minutes) =>
          burnRate(minutes, rate.threshold),
        ),
        combiner: 'AND',
        notificationChannels: props.notificationChannels[rate.severity],
        subjectPrefix: props.subjectPrefix,
        // The filter names the SLO by its resource name only: create the SLO first.
        dependsOn: [...(props.dependsOn ?? []), this.slo],
      });
    });
  }
}
