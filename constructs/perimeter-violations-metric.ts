import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { Construct } from 'constructs';

const NAME = 'afpi/vpc_sc_violations';

/** Metric type of the violations counter, for alerts and charts. */
export const PERIMETER_VIOLATIONS_METRIC = `logging.googleapis.com/user/${NAME}`;

/**
 * The log filter of VPC Service Controls denials (dry-run and enforced): the audit log entries the perimeter
 * writes. The runbook reads the same filter in Logs Explorer.
 */
export const PERIMETER_VIOLATIONS_FILTER = [
  'log_id("cloudaudit.googleapis.com/policy")',
  'protoPayload.metadata.@type="type.googleapis.com/google.cloud.audit.VpcServiceControlAuditMetadata"',
].join(' AND ');

/** Labels of the counter: what the runbook groups by to find each rule a violation needs. */
const LABELS = {
  dry_run: { field: 'protoPayload.metadata.dryRun', description: 'true: dry-run spec only (not blocked)' },
  service: { field: 'protoPayload.serviceName', description: 'API called' },
  principal: { field: 'protoPayload.authenticationInfo.principalEmail', description: 'caller' },
  reason: {
    field: 'protoPayload.metadata.violationReason',
    description: 'e.g. RESOURCES_NOT_IN_SAME_SERVICE_PERIMETER',
  },
} as const;

/** A log-based counter of perimeter violations, labelled by dry-run, service, caller and reason. */
export class PerimeterViolationsMetric extends Construct {
  readonly metric: LoggingMetric;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.metric = new LoggingMetric(this, 'metric', {
      name: NAME,
      description: 'VPC Service Controls violations (dry-run and enforced) of the project perimeter',
      filter: PERIMETER_VIOLATIONS_FILTER,
      labelExtractors: Object.fromEntries(
        Object.entries(LABELS).map(([key, { field }]) => [key, `EXTRACT(${field})`]),
      ),
      metricDescriptor: {
        metricKind: 'DELTA',
        valueType: 'INT64',
        unit: '1',
        displayName: 'VPC Service Controls violations',
        labels: Object.entries(LABELS).map(([key, { description }]) => ({
          key,
          valueType: 'STRING',
          description,
        })),
      },
    });
  }
}
