import { MonitoringSlo, MonitoringSloRequestBasedSli } from '@cdktf/provider-google/lib/monitoring-slo';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { seconds } from '../observability/metric-filters';
import { AlertPolicy } from './alert-policy';

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

export interface BurnRateWindow {
  /** Window the burn rate is measured over. */
  readonly lookbackMinutes: number;
  /** Alert when the budget burns this many times faster than the goal allows. */
  readonly threshold: number;
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
  /** Goal as a percentage below 100, e.g. 99.9. */
  readonly goalPercent: number;
  readonly rollingPeriodDays: number;
  readonly sli: AvailabilitySli | LatencySli;
  /** Pages: the budget is going fast. */
  readonly fastBurn: BurnRateWindow;
  /** Tickets: the budget is going steadily. */
  readonly slowBurn: BurnRateWindow;
  readonly notificationChannels: readonly string[];
  readonly subjectPrefix: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

function requestBasedSli(sli: AvailabilitySli | LatencySli): MonitoringSloRequestBasedSli {
  return sli.kind === 'availability'
    ? { goodTotalRatio: { totalServiceFilter: sli.totalFilter, badServiceFilter: sli.badFilter } }
    : { distributionCut: { distributionFilter: sli.distributionFilter, range: { max: sli.thresholdMs } } };
}

/**
 * A request-based SLO with multi-window burn-rate alerts (Google SRE workbook, chapter 5): a fast burn is
 * critical, a slow burn a warning. Each must hold for 1/12 of its window, the workbook's short window, so a
 * brief spike that already ended does not page.
 */
export class ServiceSlo extends Construct {
  readonly slo: MonitoringSlo;
  readonly fastBurnAlert: AlertPolicy;
  readonly slowBurnAlert: AlertPolicy;

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
    const burnAlert = (speed: 'fast' | 'slow', window: BurnRateWindow) =>
      new AlertPolicy(this, `${speed}-burn`, {
        name: `slo_${props.sloId}_${speed}_burn`,
        displayName: `SLO ${props.displayName}: ${speed} error-budget burn`,
        severity: speed === 'fast' ? 'CRITICAL' : 'WARNING',
        meaning:
          `The error budget of "${props.displayName}" (goal ${props.goalPercent} % over ${props.rollingPeriodDays} days) ` +
          `is burning ${window.threshold}x faster than the goal allows, measured over ${window.lookbackMinutes} minutes. ` +
          (speed === 'fast'
            ? 'At this pace the whole budget is gone within days.'
            : 'Left alone, the SLO will be missed this period.'),
        firstSteps: [
          'Open the SLO in Cloud Monitoring (Services) and find when the burn started.',
          'Correlate with deploys (Cloud Run revisions), the serving dashboard and backend error logs.',
          speed === 'fast'
            ? 'If a new revision is the cause, shift traffic back to the previous revision now.'
            : 'Open a ticket; plan the fix before the budget runs out.',
        ],
        conditions: [
          {
            kind: 'threshold',
            displayName: `${props.sloId} burn rate over ${window.lookbackMinutes} min`,
            signal: {
              filter: `select_slo_burn_rate("${sloName}", "${seconds(window.lookbackMinutes * 60)}")`,
            },
            comparison: 'COMPARISON_GT',
            threshold: window.threshold,
            durationSeconds: Math.max(1, Math.round(window.lookbackMinutes / 12)) * 60,
          },
        ],
        notificationChannels: props.notificationChannels,
        subjectPrefix: props.subjectPrefix,
        // The filter names the SLO by its resource name only: create the SLO first.
        dependsOn: [...(props.dependsOn ?? []), this.slo],
      });
    this.fastBurnAlert = burnAlert('fast', props.fastBurn);
    this.slowBurnAlert = burnAlert('slow', props.slowBurn);
  }
}
