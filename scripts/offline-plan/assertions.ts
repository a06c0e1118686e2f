/**
 * The seed's promises, checked by `npm run plan:offline` on the values Terraform plans (emitted as `assert` blocks
 * of each stack's generated test). One row per promise: adding one is one line.
 */
import { GPUS } from '../../catalog/gpus';
import { EnvironmentConfig, StackId } from '../../config/schema';
import { gpuPoolsOf } from '../../config/sections/gke';
import { placeModels, tgiRelease, VLLM_RELEASE } from '../../inference/values';

export interface PlanAssertion {
  /** Resource type; the assertion applies to every resource of this type in the stack that `construct` picks. */
  readonly resource: string;
  /** Picks resources whose construct path below the stack starts with this. @default every resource of the type */
  readonly construct?: string;
  /** HCL expression of the planned value; `$` stands for the resource's address. */
  readonly value: string;
  /** What the value must equal for this environment and resource (its synthesized config); undefined = not checked. */
  readonly expected: (config: EnvironmentConfig, resource: Record<string, unknown>) => unknown;
  readonly message: string;
}

/** Terraform's memory quantity, as the Cloud Run construct writes it (Gi when whole, else Mi). */
const memory = (gib: number) => (Number.isInteger(gib) ? `${gib}Gi` : `${gib * 1024}Mi`);
const gpuPool = (c: EnvironmentConfig, i: number) => c.gke?.gpuPools[i];
/** The planned HPA object the vLLM release creates (extraObjects of its values). */
const vllmHpa =
  '[for o in yamldecode($.values[0]).extraObjects : o if o.kind == "HorizontalPodAutoscaler"][0].spec';
/** The model a release serves (vLLM: the first, whose HPA comes first), when it scales on CPU. */
const hpa = (c: EnvironmentConfig, release: Record<string, unknown>) => {
  if (!c.inference || c.inference.autoscaling.metric !== 'cpu') return undefined;
  const placed = placeModels(c.inference, c.gke, c.region);
  return (release.name === VLLM_RELEASE ? placed[0] : placed.find((p) => tgiRelease(p) === release.name))
    ?.config;
};

/** The windows (`<seconds>s`) and thresholds of an SLO burn-rate policy, from its `slo_<id>_<speed>_burn` label. */
const burnRate = (c: EnvironmentConfig, policy: Record<string, unknown>) => {
  const speed = String((policy.user_labels as Record<string, string>).alert).split('_')[2] as
    'fast' | 'medium' | 'slow';
  const rate = c.observability.slo[`${speed}Burn`];
  return {
    windows: [rate.longWindowMinutes, rate.shortWindowMinutes].map((m) => `${m * 60}s`),
    thresholds: [rate.threshold, rate.threshold],
  };
};

export const ASSERTIONS: Partial<Record<StackId, readonly PlanAssertion[]>> = {
  // prettier-ignore
  data: [
    { resource: 'google_sql_database_instance', construct: 'mysql/instance', value: '$.settings[0].availability_type', expected: () => 'REGIONAL', message: 'Cloud SQL is regional (HA)' },
    { resource: 'google_sql_database_instance', construct: 'mysql/instance', value: '$.settings[0].backup_configuration[0].backup_retention_settings[0].retained_backups', expected: (c) => c.data.sql.backupRetainedCount, message: 'Cloud SQL keeps the configured number of backups (seed: 30)' },
    { resource: 'google_sql_database_instance', construct: 'mysql/instance', value: '$.settings[0].backup_configuration[0].binary_log_enabled', expected: () => true, message: 'Cloud SQL binary log is on (PITR)' },
    { resource: 'google_sql_database_instance', construct: 'mysql/instance', value: '$.settings[0].backup_configuration[0].transaction_log_retention_days', expected: (c) => c.data.sql.logRetentionDays, message: 'Cloud SQL keeps the configured days of logs for point-in-time recovery' },
    { resource: 'google_sql_database_instance', construct: 'mysql/instance', value: '$.deletion_protection', expected: () => true, message: 'Cloud SQL has Terraform deletion protection' },
    { resource: 'google_sql_database_instance', construct: 'mysql/instance', value: '$.settings[0].deletion_protection_enabled', expected: () => true, message: 'Cloud SQL has API deletion protection' },
    { resource: 'google_sql_database_instance', value: '$.settings[0].ip_configuration[0].ipv4_enabled', expected: () => false, message: 'Cloud SQL has a private IP only (no public IPv4)' },
    { resource: 'google_redis_instance', value: '$.tier', expected: () => 'STANDARD_HA', message: 'Redis is STANDARD_HA' },
    { resource: 'google_redis_instance', value: '$.auth_enabled', expected: () => true, message: 'Redis AUTH is on' },
    { resource: 'google_redis_instance', value: '$.transit_encryption_mode', expected: () => 'SERVER_AUTHENTICATION', message: 'Redis TLS is on' },
  ],
  // prettier-ignore
  'cloud-run': [
    { resource: 'google_cloud_run_v2_service', construct: 'frontend-', value: '$.template[0].scaling[0].min_instance_count', expected: (c) => c.cloudRun.frontend.minInstances, message: 'frontend min instances as the tier says' },
    { resource: 'google_cloud_run_v2_service', construct: 'frontend-', value: '$.template[0].scaling[0].max_instance_count', expected: (c) => c.cloudRun.frontend.maxInstances, message: 'frontend max instances as the tier says' },
    { resource: 'google_cloud_run_v2_service', construct: 'frontend-', value: '$.template[0].containers[0].resources[0].limits.cpu', expected: (c) => String(c.cloudRun.frontend.cpu), message: 'frontend CPU as the tier says' },
    { resource: 'google_cloud_run_v2_service', construct: 'frontend-', value: '$.template[0].containers[0].resources[0].limits.memory', expected: (c) => memory(c.cloudRun.frontend.memoryGiB), message: 'frontend memory as the tier says' },
    { resource: 'google_cloud_run_v2_service', construct: 'backend-', value: '$.template[0].scaling[0].min_instance_count', expected: (c) => c.cloudRun.backend.minInstances, message: 'backend min instances as the tier says' },
    { resource: 'google_cloud_run_v2_service', construct: 'backend-', value: '$.template[0].scaling[0].max_instance_count', expected: (c) => c.cloudRun.backend.maxInstances, message: 'backend max instances as the tier says' },
    { resource: 'google_cloud_run_v2_service', construct: 'backend-', value: '$.template[0].containers[0].resources[0].limits.cpu', expected: (c) => String(c.cloudRun.backend.cpu), message: 'backend CPU as the tier says' },
    { resource: 'google_cloud_run_v2_service', construct: 'backend-', value: '$.template[0].containers[0].resources[0].limits.memory', expected: (c) => memory(c.cloudRun.backend.memoryGiB), message: 'backend memory as the tier says' },
    { resource: 'google_compute_managed_ssl_certificate', construct: 'lb/certificate-0', value: '$.managed[0].domains', expected: (c) => [c.domain], message: 'a managed certificate for the domain' },
    { resource: 'google_compute_managed_ssl_certificate', construct: 'lb/certificate-1', value: '$.managed[0].domains', expected: (c) => [`api.${c.domain}`], message: 'a managed certificate for api.<domain>' },
    { resource: 'google_compute_ssl_policy', value: '$.min_tls_version', expected: () => 'TLS_1_2', message: 'the SSL policy requires TLS >= 1.2' },
    { resource: 'google_compute_ssl_policy', value: '$.profile', expected: () => 'MODERN', message: 'the SSL policy profile is MODERN' },
  ],
  // prettier-ignore
  'gke-gpu': [
    { resource: 'google_container_cluster', value: '$.private_cluster_config[0].enable_private_nodes', expected: () => true, message: 'GKE nodes are private' },
    { resource: 'google_container_cluster', value: '$.workload_identity_config[0].workload_pool', expected: (c) => `${c.projectId}.svc.id.goog`, message: 'GKE Workload Identity is on' },
    { resource: 'google_container_cluster', value: '$.binary_authorization[0].evaluation_mode', expected: () => 'PROJECT_SINGLETON_POLICY_ENFORCE', message: 'GKE Binary Authorization is enforced' },
    { resource: 'google_container_node_pool', construct: 'gpu-small-', value: '$.node_config[0].guest_accelerator[0].type', expected: (c) => { const pool = gpuPoolsOf(c.gke)[0]; return pool && GPUS[pool.gpu].acceleratorType; }, message: 'the small GPU pool carries its preset GPU (L4 in the tiers: TGI is served from it and needs compute capability 8.0, catalog/engines.ts)' },
    { resource: 'google_container_node_pool', construct: 'gpu-small-', value: '$.autoscaling[0].total_min_node_count', expected: (c, r) => (r.name === gpuPool(c, 0)?.name ? gpuPool(c, 0)?.minNodes ?? c.gke?.gpuPoolDefaults.minNodes : 0), message: 'GPU pool autoscaling minimum as configured (scale tier: 1); its capacity fallback pools start at 0' },
    { resource: 'google_container_node_pool', construct: 'gpu-small-', value: '$.node_config[0].labels["cloud.google.com/compute-class"]', expected: (c) => gpuPool(c, 0)?.name, message: 'every node pool of a GPU pool serves its compute class (label; GKE requires it on manually created pools)' },
    { resource: 'google_container_node_pool', value: '$.node_config[0].gcfs_config[0].enabled', expected: () => true, message: 'image streaming stays on for every node pool' },
    { resource: 'google_container_node_pool', construct: 'gpu-small-', value: 'length($.node_config[0].secondary_boot_disks)', expected: (c) => (c.gke?.imageCacheDiskImage ? 1 : 0), message: 'GPU nodes get the image cache disk exactly when gke.imageCacheDiskImage is set' },
    { resource: 'google_container_node_pool', construct: 'gpu-small-', value: '$.autoscaling[0].total_max_node_count', expected: (c) => gpuPool(c, 0)?.maxNodes ?? c.gke?.gpuPoolDefaults.maxNodes, message: 'GPU pool autoscaling maximum as configured (scale tier: 5)' },
  ],
  // prettier-ignore
  inference: [
    { resource: 'helm_release', construct: 'vllm-', value: `${vllmHpa}.minReplicas`, expected: (c, r) => hpa(c, r)?.minReplicas, message: 'vLLM HPA minimum replicas (seed: 1)' },
    { resource: 'helm_release', construct: 'vllm-', value: `${vllmHpa}.maxReplicas`, expected: (c, r) => hpa(c, r)?.maxReplicas, message: 'vLLM HPA maximum replicas (seed: 5)' },
    { resource: 'helm_release', construct: 'vllm-', value: `${vllmHpa}.metrics[0].resource.target.averageUtilization`, expected: (c, r) => hpa(c, r) && c.inference?.autoscaling.cpuTargetPercent, message: 'vLLM HPA CPU target (seed: 70 %)' },
    { resource: 'helm_release', construct: 'tgi-', value: 'yamldecode($.values[0]).autoscaling.minReplicas', expected: (c, r) => hpa(c, r)?.minReplicas, message: 'TGI HPA minimum replicas (seed: 1)' },
    { resource: 'helm_release', construct: 'tgi-', value: 'yamldecode($.values[0]).autoscaling.maxReplicas', expected: (c, r) => hpa(c, r)?.maxReplicas, message: 'TGI HPA maximum replicas (seed: 5)' },
    { resource: 'helm_release', construct: 'tgi-', value: 'yamldecode($.values[0]).autoscaling.targetCPUUtilizationPercentage', expected: (c, r) => hpa(c, r) && c.inference?.autoscaling.cpuTargetPercent, message: 'TGI HPA CPU target (seed: 70 %)' },
  ],
  // prettier-ignore
  observability: [
    { resource: 'google_monitoring_alert_policy', construct: 'high-latency/', value: '$.conditions[0].condition_threshold[0].threshold_value', expected: (c) => c.observability.thresholds.p95LatencyMs, message: 'high_latency fires above p95 1000 ms (seed)' },
    { resource: 'google_monitoring_alert_policy', construct: 'error-rate-spike/', value: '$.conditions[0].condition_threshold[0].threshold_value', expected: (c) => c.observability.thresholds.errorRatePercent / 100, message: 'error_rate_spike fires above 5 % (seed)' },
    { resource: 'google_monitoring_alert_policy', construct: 'gpu-saturation/', value: 'tonumber(regex("> *([0-9.]+)$", $.conditions[0].condition_prometheus_query_language[0].query)[0])', expected: (c) => c.observability.thresholds.gpuUtilizationPercent, message: 'gpu_saturation fires above 90 % (seed)' },
    { resource: 'google_monitoring_alert_policy', construct: 'gpu-saturation/', value: '$.conditions[0].condition_prometheus_query_language[0].duration', expected: (c) => `${c.observability.thresholds.gpuSaturationMinutes * 60}s`, message: 'gpu_saturation waits 10 minutes (seed)' },
    { resource: 'google_monitoring_alert_policy', construct: 'slo-', value: '$.combiner', expected: () => 'AND', message: 'each SLO burn-rate policy ANDs a long and a short window (SRE workbook multi-window)' },
    { resource: 'google_monitoring_alert_policy', construct: 'slo-', value: '[for c in $.conditions : split("\\"", c.condition_threshold[0].filter)[3]]', expected: (c, r) => burnRate(c, r).windows, message: 'SLO burn-rate windows: 1 h and 5 min, 6 h and 30 min, 24 h and 2 h (Cloud Monitoring: at most 24 h)' },
    { resource: 'google_monitoring_alert_policy', construct: 'slo-', value: '[for c in $.conditions : c.condition_threshold[0].threshold_value]', expected: (c, r) => burnRate(c, r).thresholds, message: 'SLO burn-rate thresholds: 14.4x, 6x, 3x on both windows' },
    { resource: 'google_monitoring_alert_policy', construct: 'slo-', value: '[for c in $.conditions : c.condition_threshold[0].duration]', expected: () => ['0s', '0s'], message: 'SLO burn-rate windows are evaluated at once (duration 0s)' },
    { resource: 'google_billing_budget', value: '$.threshold_rules[0].threshold_percent', expected: (c) => c.observability.thresholds.costAnomalyMultiplier, message: 'cost_monthly_guard fires at 1.5x the baseline month' },
    { resource: 'google_logging_project_bucket_config', construct: 'log-retention/default', value: '$.retention_days', expected: (c) => c.observability.logRetentionDays, message: '_Default logs kept 90 days (seed)' },
  ],
};
