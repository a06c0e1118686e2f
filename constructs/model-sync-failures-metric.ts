import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { Construct } from 'constructs';
import { MODEL_SYNC_FAILURES_METRIC_NAME, modelSyncFailuresFilter } from '../observability/log-metrics';

export interface ModelSyncFailuresMetricProps {
  /** Namespace of the inference release. */
  readonly namespace: string;
  /** Name prefix of the model-sync Jobs (`<prefix>-<model>-<hash>`). */
  readonly jobPrefix: string;
}

/** A log-based counter of failed model-sync Jobs, labelled by Job and failure reason. */
export class ModelSyncFailuresMetric extends Construct {
  readonly metric: LoggingMetric;

  constructor(scope: Construct, id: string, props: ModelSyncFailuresMetricProps) {
    super(scope, id);
    this.metric = new LoggingMetric(this, 'metric', {
      name: MODEL_SYNC_FAILURES_METRIC_NAME,
      description: `model-sync Jobs (namespace ${props.namespace}) that failed: weights not staged`,
      filter: modelSyncFailuresFilter(props.namespace, props.jobPrefix),
      labelExtractors: {
        job: 'EXTRACT(jsonPayload.involvedObject.name)',
        reason: 'EXTRACT(jsonPayload.reason)',
      },
      metricDescriptor: {
        metricKind: 'DELTA',
        valueType: 'INT64',
        unit: '1',
        displayName: 'Failed model-sync Jobs',
        labels: [
          { key: 'job', valueType: 'STRING', description: 'Job name: model-sync-<model>-<hash>' },
          { key: 'reason', valueType: 'STRING', description: 'BackoffLimitExceeded or DeadlineExceeded' },
        ],
      },
    });
  }
}
