import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { Construct } from 'constructs';

const NAME = 'afpi/model_sync_failures';

/** Metric type of the failed model-sync Jobs counter, for alerts and charts. */
export const MODEL_SYNC_FAILURES_METRIC = `logging.googleapis.com/user/${NAME}`;
/**
 * Monitored resource of the counter: GKE logs the Kubernetes events of objects other than pods and nodes (a Job)
 * against the cluster.
 */
export const MODEL_SYNC_FAILURES_RESOURCE = 'k8s_cluster';

/**
 * The Kubernetes events GKE logs (log `events`, cluster logging on) when the Job controller gives a Job up: its
 * retries are spent (BackoffLimitExceeded) or its deadline passed (DeadlineExceeded). Needs no extra install,
 * unlike kube-state-metrics' kube_job_status_failed, which GKE's managed package does not export for Jobs.
 */
export function modelSyncFailuresFilter(namespace: string, jobPrefix: string): string {
  return [
    'log_id("events")',
    'jsonPayload.involvedObject.kind="Job"',
    `jsonPayload.involvedObject.namespace="${namespace}"`,
    `jsonPayload.involvedObject.name=~"^${jobPrefix}-"`,
    'jsonPayload.reason=("BackoffLimitExceeded" OR "DeadlineExceeded")',
  ].join(' AND ');
}

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
      name: NAME,
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
