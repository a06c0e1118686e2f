/**
 * The platform's signals, each written once and used by alerts, SLOs and dashboards alike. Metric types are
 * from https://cloud.google.com/monitoring/api/metrics_gcp (loadbalancing, run, cloudsql, redis, kubernetes).
 */
import { BUSINESS_METRIC_TYPES } from './log-metrics';
import { Aggregation, metricFilter, Signal } from './metric-filters';

const MINUTE = 60;

function signal(filter: string, aggregation: Aggregation): Signal {
  return { filter, aggregation };
}

/** p95 across all requests: merge the latency distributions per group first, then take the percentile. */
function p95(groupBy: string): Aggregation {
  return {
    alignmentPeriodSeconds: MINUTE,
    perSeriesAligner: 'ALIGN_DELTA',
    crossSeriesReducer: 'REDUCE_PERCENTILE_95',
    groupByFields: [groupBy],
  };
}

function ratePerSecond(groupBy: string): Aggregation {
  return {
    alignmentPeriodSeconds: MINUTE,
    perSeriesAligner: 'ALIGN_RATE',
    crossSeriesReducer: 'REDUCE_SUM',
    groupByFields: [groupBy],
  };
}

function worst(groupBy: string, alignmentPeriodSeconds = MINUTE): Aggregation {
  return {
    alignmentPeriodSeconds,
    perSeriesAligner: 'ALIGN_MAX',
    crossSeriesReducer: 'REDUCE_MAX',
    groupByFields: [groupBy],
  };
}

/**
 * One backend service of the global external HTTPS load balancer, by `backend_target_name`: each public backend
 * on its own, so the frontend's CDN hits do not dilute the API's errors. Counts include the 5xx the load
 * balancer generates itself (no healthy serverless NEG), which Cloud Run never sees.
 */
export function loadBalancerSignals(urlMapName: string, backendServiceName: string) {
  const byBackend = 'resource.label.backend_target_name';
  const labels = { 'resource.label.url_map_name': urlMapName, [byBackend]: backendServiceName };
  const filter = (metric: string, extra: Record<string, string | number> = {}) =>
    metricFilter(`loadbalancing.googleapis.com/https/${metric}`, 'https_lb_rule', { ...labels, ...extra });
  // Requests no path rule matched: on the api host, everything but the LLM paths (cloudRun.llmPaths).
  const defaultPath = { 'resource.label.matched_url_path_rule': 'UNMATCHED' };
  return {
    /** Total latency seen by clients, in ms. */
    latencyP95: signal(filter('total_latencies'), p95(byBackend)),
    /** Time the backend took on requests outside any path rule (the API without its LLM paths), in ms. */
    defaultPathBackendLatencyP95: signal(filter('backend_latencies', defaultPath), p95(byBackend)),
    /** The raw distribution of the above, for SLO distribution cuts. */
    defaultPathBackendLatencyFilter: filter('backend_latencies', defaultPath),
    /** Backend latency per path rule: the LLM paths apart from the rest. */
    backendLatencyP95ByPathRule: signal(
      filter('backend_latencies'),
      p95('resource.label.matched_url_path_rule'),
    ),
    requests: signal(filter('request_count'), ratePerSecond(byBackend)),
    /** 5xx responses, whether from a backend or from the load balancer itself. */
    serverErrors: signal(
      filter('request_count', { 'metric.label.response_code_class': 500 }),
      ratePerSecond(byBackend),
    ),
  };
}

/** One Cloud Run service, in every region it runs in. */
export function cloudRunSignals(serviceName: string) {
  const byService = 'resource.label.service_name';
  const labels = { [byService]: serviceName };
  const requests = (extra: Record<string, string> = {}) =>
    signal(
      metricFilter('run.googleapis.com/request_count', 'cloud_run_revision', { ...labels, ...extra }),
      ratePerSecond(byService),
    );
  return {
    /** Request latency inside Cloud Run, in ms. */
    latencyP95: signal(
      metricFilter('run.googleapis.com/request_latencies', 'cloud_run_revision', labels),
      p95(byService),
    ),
    /** The raw latency distribution, for SLO distribution cuts. */
    latencyFilter: metricFilter('run.googleapis.com/request_latencies', 'cloud_run_revision', labels),
    requests: requests(),
    serverErrors: requests({ 'metric.label.response_code_class': '5xx' }),
    /** Instances (active + idle) summed over revisions and regions. */
    instances: signal(
      metricFilter('run.googleapis.com/container/instance_count', 'cloud_run_revision', labels),
      {
        alignmentPeriodSeconds: MINUTE,
        perSeriesAligner: 'ALIGN_MAX',
        crossSeriesReducer: 'REDUCE_SUM',
        groupByFields: [byService],
      },
    ),
    /**
     * Instances serving requests, per region: max instances is a per-region limit of the service, and idle
     * instances leave room to serve.
     */
    activeInstancesPerRegion: signal(
      metricFilter('run.googleapis.com/container/instance_count', 'cloud_run_revision', {
        ...labels,
        'metric.label.state': 'active',
      }),
      {
        alignmentPeriodSeconds: MINUTE,
        perSeriesAligner: 'ALIGN_MAX',
        crossSeriesReducer: 'REDUCE_SUM',
        groupByFields: [byService, 'resource.label.location'],
      },
    ),
  };
}

/** A Cloud SQL instance; `databaseId` is `<project>:<instance>`. Utilisations are fractions (0-1). */
export function cloudSqlSignals(databaseId: string) {
  const byDatabase = 'resource.label.database_id';
  const filter = (metric: string) =>
    metricFilter(`cloudsql.googleapis.com/database/${metric}`, 'cloudsql_database', {
      [byDatabase]: databaseId,
    });
  return {
    cpuUtilization: signal(filter('cpu/utilization'), {
      ...worst(byDatabase),
      perSeriesAligner: 'ALIGN_MEAN',
    }),
    diskUtilization: signal(filter('disk/utilization'), worst(byDatabase)),
    connections: signal(filter('network/connections'), worst(byDatabase)),
    queries: signal(filter('mysql/queries'), ratePerSecond(byDatabase)),
    /** Seconds the replica is behind its primary (meaningful on a replica's database id). */
    replicaLag: signal(filter('replication/replica_lag'), worst(byDatabase)),
  };
}

/** A Memorystore for Redis instance; `instanceId` is `projects/<p>/locations/<r>/instances/<name>`. */
export function redisSignals(instanceId: string) {
  const byInstance = 'resource.label.instance_id';
  const filter = (metric: string) =>
    metricFilter(`redis.googleapis.com/${metric}`, 'redis_instance', { [byInstance]: instanceId });
  return {
    /** Share of max memory in use (0-1). */
    memoryUsageRatio: signal(filter('stats/memory/usage_ratio'), worst(byInstance)),
    cacheHitRatio: signal(filter('stats/cache_hit_ratio'), {
      ...worst(byInstance),
      perSeriesAligner: 'ALIGN_MEAN',
      crossSeriesReducer: 'REDUCE_MEAN',
    }),
    connectedClients: signal(filter('clients/connected'), worst(byInstance)),
  };
}

/**
 * GPUs and vLLM on the GKE cluster, from Managed Service for Prometheus (GKE's managed DCGM + PodMonitoring);
 * `namespace` is where the engines run (inference.namespace).
 */
export function gpuQueries(clusterName: string, namespace: string) {
  const cluster = `cluster="${clusterName}"`;
  return {
    /** Per-GPU utilisation in percent (DCGM). */
    gpuUtilization: `DCGM_FI_DEV_GPU_UTIL{${cluster}}`,
    /** Framebuffer memory in use per GPU, MiB (DCGM). */
    gpuMemoryUsedMiB: `DCGM_FI_DEV_FB_USED{${cluster}}`,
    /** p95 time to first token per model, in seconds (vLLM's histogram). */
    vllmTimeToFirstTokenP95: `histogram_quantile(0.95, sum by (le, model_name) (rate(vllm:time_to_first_token_seconds_bucket{${cluster}}[5m])))`,
    /** Requests queued in vLLM, per model. */
    vllmQueue: `sum by (model_name) (vllm:num_requests_waiting{${cluster}})`,
    /** Generated tokens per second, per model. */
    vllmTokensPerSecond: `sum by (model_name) (rate(vllm:generation_tokens_total{${cluster}}[5m]))`,
    /**
     * Engine pods the scheduler cannot place (PodScheduled=False, reason Unschedulable), per pod: a capacity
     * problem, unlike Pending pods that are pulling images or running init containers on a node. GKE's managed
     * kube-state-metrics (monitoring component POD, constructs/gke-cluster.ts), no install of ours. Scoped to the
     * engines' namespace rather than joined with GPU requests: kube_pod_container_resource_requests is not
     * confirmed in GKE's curated POD package, and a missing series would silently never fire.
     */
    gpuPodsPending: `count by (namespace, pod) (kube_pod_status_unschedulable{${cluster},namespace="${namespace}"} == 1)`,
  };
}

/** GKE's own accelerator metric (no DCGM needed), per container. */
export function gpuDutyCycle(clusterName: string): Signal {
  return signal(
    metricFilter('kubernetes.io/container/accelerator/duty_cycle', 'k8s_container', {
      'resource.label.cluster_name': clusterName,
    }),
    {
      alignmentPeriodSeconds: MINUTE,
      perSeriesAligner: 'ALIGN_MEAN',
      crossSeriesReducer: 'REDUCE_MEAN',
      groupByFields: ['resource.label.namespace_name', 'resource.label.pod_name'],
    },
  );
}

/** The seed's business metrics, from the backend's log-based metrics, per hour. */
export function businessSignals() {
  const HOUR = 3600;
  const byRoute = ['metric.label.route'];
  const conversations = (labels: Record<string, string>, groupByFields: string[]) =>
    signal(metricFilter(BUSINESS_METRIC_TYPES.conversations, 'cloud_run_revision', labels), {
      alignmentPeriodSeconds: HOUR,
      perSeriesAligner: 'ALIGN_DELTA',
      crossSeriesReducer: 'REDUCE_SUM',
      groupByFields,
    });
  return {
    conversationsByRoute: conversations({}, byRoute),
    localConversations: conversations({ 'metric.label.route': 'local' }, []),
    allConversations: conversations({}, []),
    /** Mean API cost of a conversation (local ones count as 0 within their route). */
    apiCostPerConversation: signal(metricFilter(BUSINESS_METRIC_TYPES.apiCost, 'cloud_run_revision'), {
      alignmentPeriodSeconds: HOUR,
      perSeriesAligner: 'ALIGN_DELTA',
      crossSeriesReducer: 'REDUCE_MEAN',
      groupByFields: byRoute,
    }),
  };
}
