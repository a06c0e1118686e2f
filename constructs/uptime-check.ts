import { MonitoringUptimeCheckConfig } from '@cdktf/provider-google/lib/monitoring-uptime-check-config';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { metricFilter, seconds } from '../observability/metric-filters';
import { AlertPolicy } from './alert-policy';

export interface UptimeCheckProps {
  readonly projectId: string;
  /** Host checked over HTTPS, e.g. `api.afpip.com`. */
  readonly host: string;
  /** Path checked, e.g. `/health`. */
  readonly path: string;
  /** @default 60 */
  readonly periodSeconds?: number;
  /** Alert when at least this many checker regions fail. @default 2 */
  readonly failingRegions?: number;
  readonly notificationChannels: readonly string[];
  readonly subjectPrefix: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** Checker regions; three or more are required, and one failing region alone is not an outage. */
const CHECKER_REGIONS = ['USA', 'EUROPE', 'ASIA_PACIFIC'];

/**
 * An HTTPS uptime check from several continents (TLS certificate validated, 2xx expected) and a critical
 * alert when it fails from more than one region.
 */
export class UptimeCheck extends Construct {
  readonly check: MonitoringUptimeCheckConfig;
  readonly alert: AlertPolicy;

  constructor(scope: Construct, id: string, props: UptimeCheckProps) {
    super(scope, id);
    const url = `https://${props.host}${props.path}`;
    const periodSeconds = props.periodSeconds ?? 60;
    this.check = new MonitoringUptimeCheckConfig(this, 'check', {
      displayName: url,
      period: seconds(periodSeconds),
      timeout: '10s',
      selectedRegions: CHECKER_REGIONS,
      checkerType: 'STATIC_IP_CHECKERS',
      logCheckFailures: true,
      monitoredResource: { type: 'uptime_url', labels: { project_id: props.projectId, host: props.host } },
      httpCheck: {
        path: props.path,
        port: 443,
        useSsl: true,
        validateSsl: true,
        requestMethod: 'GET',
        acceptedResponseStatusCodes: [{ statusClass: 'STATUS_CLASS_2XX' }],
      },
      dependsOn: props.dependsOn,
    });
    this.alert = new AlertPolicy(this, 'alert', {
      name: 'uptime_check_failed',
      displayName: `Uptime check failing: ${url}`,
      severity: 'CRITICAL',
      meaning: `${url} did not answer 2xx over valid TLS from ${props.failingRegions ?? 2} or more checker regions: users most likely cannot reach it.`,
      firstSteps: [
        `Open the uptime check in Cloud Monitoring and read the failure reason (DNS, TLS, timeout, status code).`,
        'Check the load balancer (backend health, certificate status, Cloud Armor denials) and the Cloud Run service behind the host.',
        'If a deploy just happened, roll traffic back to the previous revision (docs/ runbook "rollback").',
      ],
      conditions: [
        {
          kind: 'threshold',
          displayName: `${url} failing`,
          signal: {
            // By host, not by check_id: the id is assigned by the API, and a reference quoted inside the filter
            // breaks `synth --hcl`. The platform has one check per host.
            filter: metricFilter('monitoring.googleapis.com/uptime_check/check_passed', 'uptime_url', {
              'resource.label.host': props.host,
            }),
            // Counts failed checks per host over the last period of each region (Google's recommended shape).
            aggregation: {
              alignmentPeriodSeconds: Math.max(periodSeconds * 5, 300),
              perSeriesAligner: 'ALIGN_NEXT_OLDER',
              crossSeriesReducer: 'REDUCE_COUNT_FALSE',
              groupByFields: ['resource.label.host'],
            },
          },
          comparison: 'COMPARISON_GE',
          threshold: props.failingRegions ?? 2,
          durationSeconds: periodSeconds,
        },
      ],
      notificationChannels: props.notificationChannels,
      subjectPrefix: props.subjectPrefix,
      dependsOn: [...(props.dependsOn ?? []), this.check],
    });
  }
}
