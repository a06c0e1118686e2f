import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { Construct } from 'constructs';
import { PERIMETER_VIOLATIONS_FILTER, PERIMETER_VIOLATIONS_METRIC_NAME } from '../observability/log-metrics';

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
      name: PERIMETER_VIOLATIONS_METRIC_NAME,
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
