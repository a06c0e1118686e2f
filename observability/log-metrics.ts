/**
 * The platform's log-based metrics as data: their names, the metric types charts and alerts query, and the log
 * filters they count. The constructs that create the metrics take the names from here; alerts, signals and
 * tests read the types and filters without loading cdktf.
 */

function userMetricType(name: string): string {
  return `logging.googleapis.com/user/${name}`;
}

/** The seed's business metrics, counted from the backend's structured logs (constructs/log-metrics.ts). */
export const BUSINESS_METRIC_NAMES = {
  conversations: 'afpi/llm_conversations',
  apiCost: 'afpi/llm_api_cost_usd',
} as const;

/** Metric types of the business metrics, for charts and alerts. */
export const BUSINESS_METRIC_TYPES = {
  conversations: userMetricType(BUSINESS_METRIC_NAMES.conversations),
  apiCost: userMetricType(BUSINESS_METRIC_NAMES.apiCost),
} as const;

export const PERIMETER_VIOLATIONS_METRIC_NAME = 'afpi/vpc_sc_violations';

/** Metric type of the violations counter, for alerts and charts. */
export const PERIMETER_VIOLATIONS_METRIC = userMetricType(PERIMETER_VIOLATIONS_METRIC_NAME);

/**
 * The log filter of VPC Service Controls denials (dry-run and enforced): the audit log entries the perimeter
 * writes. The runbook reads the same filter in Logs Explorer.
 */
export const PERIMETER_VIOLATIONS_FILTER = [
  'log_id("cloudaudit.googleapis.com/policy")',
  'protoPayload.metadata.@type="type.googleapis.com/google.cloud.audit.VpcServiceControlAuditMetadata"',
].join(' AND ');

export const MODEL_SYNC_FAILURES_METRIC_NAME = 'afpi/model_sync_failures';

/** Metric type of the failed model-sync Jobs counter, for alerts and charts. */
export const MODEL_SYNC_FAILURES_METRIC = userMetricType(MODEL_SYNC_FAILURES_METRIC_NAME);
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
