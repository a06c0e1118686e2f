/**
 * The platform's alert policies as data: thresholds from config, names from the observed platform, and the
 * documentation a responder reads. The stack turns each spec into an AlertPolicy.
 */
import type { AlertCondition, AlertPolicyProps } from '../constructs/alert-policy';
import { EnvironmentConfig } from '../config/schema';
import { modelSyncRuns } from '../inference/model-sync';
import {
  MODEL_SYNC_FAILURES_METRIC,
  MODEL_SYNC_FAILURES_RESOURCE,
  PERIMETER_VIOLATIONS_METRIC,
} from './log-metrics';
import { metricFilter } from './metric-filters';
import { ObservedPlatform, PlatformSignals } from './observed-platform';

/** An alert policy before it is bound to the stack's channels, subject prefix and dependencies. */
export type AlertSpec = Omit<AlertPolicyProps, 'notificationChannels' | 'subjectPrefix' | 'dependsOn'>;

const FIVE_MINUTES = 300;

/** The seed's alerts and the resource alerts beside them, in a stable order. */
export function alertSpecs(
  config: EnvironmentConfig,
  observed: ObservedPlatform,
  signals: PlatformSignals,
): AlertSpec[] {
  const { thresholds } = config.observability;
  const { services, sql, replica, redis, gpu } = signals;
  const specs: AlertSpec[] = [];

  // Seed "Alerting Thresholds".
  const [frontend, backend] = services;
  specs.push({
    name: 'high_latency',
    displayName: `p95 latency above ${thresholds.p95LatencyMs} ms`,
    severity: 'WARNING',
    meaning: `The 95th percentile of request latency has been above ${thresholds.p95LatencyMs} ms for 5 minutes: for the frontend, as clients see it at the load balancer; for the API, as the backend takes it on every path except the LLM ones (cloudRun.llmPaths, seconds long by design, charted apart).`,
    firstSteps: [
      'Open the serving dashboard: which backend, and is it the load balancer only (clients, CDN misses) or the backend too?',
      'For the API: check instance count against max instances, Cloud SQL CPU and query insights, and Redis.',
      'If instances sit at the maximum, raise cloudRun.backend.maxInstances; if a new revision is slower, roll traffic back.',
    ],
    conditions: [
      {
        kind: 'threshold',
        displayName: `frontend p95 at the load balancer > ${thresholds.p95LatencyMs} ms`,
        signal: frontend.lb.latencyP95,
        comparison: 'COMPARISON_GT',
        threshold: thresholds.p95LatencyMs,
        durationSeconds: FIVE_MINUTES,
      },
      {
        kind: 'threshold',
        displayName: `API p95 (non-LLM paths) > ${thresholds.p95LatencyMs} ms`,
        signal: backend.lb.defaultPathBackendLatencyP95,
        comparison: 'COMPARISON_GT',
        threshold: thresholds.p95LatencyMs,
        durationSeconds: FIVE_MINUTES,
      },
    ],
  });
  specs.push({
    name: 'error_rate_spike',
    displayName: `5xx error rate above ${thresholds.errorRatePercent} %`,
    severity: 'CRITICAL',
    meaning: `More than ${thresholds.errorRatePercent} % of the requests of one load balancer backend (frontend or API) have failed with a 5xx for 5 minutes, counting the 5xx the load balancer returns itself when no backend is healthy.`,
    firstSteps: [
      'Open the serving dashboard to see which service fails (frontend or backend) and since when.',
      "Read the failing service's error logs in Cloud Logging (severity>=ERROR), and check Cloud SQL / Redis health.",
      'If it started with a deploy, shift traffic back to the previous revision (cloudRun.<service>.traffic).',
    ],
    conditions: services.map((s): AlertCondition => ({
      kind: 'threshold',
      displayName: `${s.role} 5xx / all requests > ${thresholds.errorRatePercent} %`,
      signal: s.lb.serverErrors,
      denominator: s.lb.requests,
      comparison: 'COMPARISON_GT',
      threshold: thresholds.errorRatePercent / 100,
      durationSeconds: FIVE_MINUTES,
    })),
  });
  if (gpu) {
    specs.push({
      name: 'gpu_saturation',
      displayName: `GPU utilisation above ${thresholds.gpuUtilizationPercent} % for ${thresholds.gpuSaturationMinutes} min`,
      severity: 'WARNING',
      meaning: `A GPU of cluster ${observed.gpuClusterName} has been more than ${thresholds.gpuUtilizationPercent} % busy for ${thresholds.gpuSaturationMinutes} minutes: local inference is at capacity and requests queue.`,
      firstSteps: [
        'Open the GPU/LLM dashboard: is the vLLM queue growing, and on which model?',
        'Check the HPA and the GPU pool autoscaler: are more replicas pending for lack of GPU nodes or quota?',
        "Raise the pool's maxNodes or lower cloudRun.llmRouting.localSharePercent so more traffic falls back to the APIs.",
      ],
      conditions: [
        {
          kind: 'promql',
          displayName: `DCGM GPU utilisation > ${thresholds.gpuUtilizationPercent} %`,
          query: gpu.gpuUtilization,
          comparison: 'COMPARISON_GT',
          threshold: thresholds.gpuUtilizationPercent,
          durationSeconds: thresholds.gpuSaturationMinutes * 60,
          // GPU pools scale from 0: DCGM has no series until the first GPU node runs.
          disableMetricValidation: true,
        },
      ],
    });
    specs.push({
      name: 'gpu_workload_pending',
      displayName: `GPU workload Pending for more than ${thresholds.gpuPendingMinutes} min`,
      severity: 'WARNING',
      meaning: `An engine pod in cluster ${observed.gpuClusterName} has been unschedulable (Pending with no node) for ${thresholds.gpuPendingMinutes} minutes: none of the capacity options of its compute class (reservation, on-demand, flex-start, spot) had a node for it, from stockouts (ZONE_RESOURCE_POOL_EXHAUSTED) or quota. Local inference runs short; requests fall back to the APIs.`,
      firstSteps: [
        'kubectl -n <namespace> describe pod <pod>: the events say which node pools the autoscaler tried and why (quota, stockout, max nodes).',
        'kubectl get computeclass <pool> -o yaml and the node pools it lists: is one at its maxNodes, or its GPU quota (Quotas page, region) at 0?',
        "Add a way to get capacity to the pool's gke capacity list (a reservation, flex-start, spot or a second GPU the fit rule accepts), or raise the GPU quota; lower cloudRun.llmRouting.localSharePercent meanwhile.",
      ],
      conditions: [
        {
          kind: 'promql',
          displayName: `engine pod unschedulable > ${thresholds.gpuPendingMinutes} min`,
          query: gpu.gpuPodsPending,
          comparison: 'COMPARISON_GT',
          threshold: 0,
          durationSeconds: thresholds.gpuPendingMinutes * 60,
          // Kube state metrics of a pod appear with the pod: none before the first GPU workload.
          disableMetricValidation: true,
        },
      ],
    });
  }

  // Resource alerts beside the seed's.
  specs.push({
    name: 'sql_cpu_high',
    displayName: `Cloud SQL CPU above ${thresholds.sqlCpuPercent} %`,
    severity: 'WARNING',
    meaning: `The primary Cloud SQL instance ${observed.sqlInstanceName} has used more than ${thresholds.sqlCpuPercent} % CPU for 10 minutes; queries slow down and latency follows.`,
    firstSteps: [
      'Open Query insights for the instance and find the top queries by CPU.',
      'Check the backend for a retry storm or a missing cache (Redis hit ratio on the data dashboard).',
      'If the load is legitimate, raise data.sql.tier.',
    ],
    conditions: [
      {
        kind: 'threshold',
        displayName: `CPU > ${thresholds.sqlCpuPercent} %`,
        signal: sql.cpuUtilization,
        comparison: 'COMPARISON_GT',
        threshold: thresholds.sqlCpuPercent / 100,
        durationSeconds: 2 * FIVE_MINUTES,
      },
    ],
  });
  specs.push({
    name: 'sql_disk_high',
    displayName: `Cloud SQL disk above ${thresholds.sqlDiskPercent} %`,
    severity: 'WARNING',
    meaning: `The primary Cloud SQL instance's disk is more than ${thresholds.sqlDiskPercent} % full. Automatic storage increase grows it, but growth is one-way and a full disk stops writes.`,
    firstSteps: [
      'Check what grew: tables, binary logs (PITR), temporary files.',
      'Purge or archive data that is no longer needed; review data.sql.logRetentionDays.',
      'Confirm storage auto-increase is on and its limit is not reached.',
    ],
    conditions: [
      {
        kind: 'threshold',
        displayName: `disk > ${thresholds.sqlDiskPercent} %`,
        signal: sql.diskUtilization,
        comparison: 'COMPARISON_GT',
        threshold: thresholds.sqlDiskPercent / 100,
        durationSeconds: FIVE_MINUTES,
      },
    ],
  });
  if (replica) {
    specs.push({
      name: 'sql_replication_lag',
      displayName: `Cloud SQL replica lag above ${thresholds.sqlReplicationLagSeconds} s`,
      severity: 'ERROR',
      meaning: `The cross-region standby ${observed.sqlReplicaName} is more than ${thresholds.sqlReplicationLagSeconds} s behind the primary; a failover now would lose that much data (seed RPO: < 5 minutes).`,
      firstSteps: [
        "Check the replica's CPU and disk and the primary's write rate (data dashboard).",
        'Look for long transactions or large batch writes on the primary.',
        'If the lag keeps growing, consider a larger replica tier; do not promote the replica while it lags unless the primary is lost.',
      ],
      conditions: [
        {
          kind: 'threshold',
          displayName: `replica lag > ${thresholds.sqlReplicationLagSeconds} s`,
          signal: replica.replicaLag,
          comparison: 'COMPARISON_GT',
          threshold: thresholds.sqlReplicationLagSeconds,
          durationSeconds: FIVE_MINUTES,
        },
      ],
    });
  }
  specs.push({
    name: 'redis_memory_high',
    displayName: `Redis memory above ${thresholds.redisMemoryPercent} %`,
    severity: 'WARNING',
    meaning: `Memorystore uses more than ${thresholds.redisMemoryPercent} % of its memory; evictions of cache and session keys follow, and sessions may be lost.`,
    firstSteps: [
      'Check the cache hit ratio and key count on the data dashboard.',
      'Look for keys without TTL written by the backend.',
      'If the working set really grew, raise data.redis.memorySizeGb.',
    ],
    conditions: [
      {
        kind: 'threshold',
        displayName: `memory > ${thresholds.redisMemoryPercent} %`,
        signal: redis.memoryUsageRatio,
        comparison: 'COMPARISON_GT',
        threshold: thresholds.redisMemoryPercent / 100,
        durationSeconds: FIVE_MINUTES,
      },
    ],
  });
  specs.push({
    name: 'cloud_run_at_max_instances',
    displayName: 'Cloud Run service at its maximum instances',
    severity: 'WARNING',
    meaning:
      'A Cloud Run service has had its configured maximum number of instances active in a region for 5 minutes: it cannot scale further there, so requests queue and latency and 429/5xx responses follow.',
    firstSteps: [
      'Confirm on the serving dashboard whether latency or errors rise with it.',
      'Check for abuse (Cloud Armor rate-limit logs) before adding capacity.',
      'Raise cloudRun.<service>.maxInstances (mind Cloud SQL connection limits) or concurrency.',
    ],
    conditions: services.map((s): AlertCondition => ({
      kind: 'threshold',
      displayName: `${s.role} active instances in a region >= ${s.max}`,
      signal: s.signals.activeInstancesPerRegion,
      comparison: 'COMPARISON_GE',
      threshold: s.max,
      durationSeconds: FIVE_MINUTES,
    })),
  });
  const perimeter = config.security.vpcServiceControls;
  if (perimeter) {
    specs.push({
      name: 'vpc_sc_violation',
      displayName: `VPC Service Controls ${perimeter.mode === 'dry-run' ? 'would block' : 'blocked'} a request`,
      severity: 'WARNING',
      meaning: `A request crossed the project's service perimeter without a rule admitting it (${perimeter.mode}: ${perimeter.mode === 'dry-run' ? 'logged only, enforcing would block it' : 'it was denied'}).`,
      firstSteps: [
        'Open docs/runbooks/vpc-service-controls.md and run its log query: caller, service and violation reason of each entry.',
        'Expected caller (deploy, a Google service, a partner project)? Add an ingress or egress rule under security.vpcServiceControls with its reason.',
        'Unexpected caller: treat it as a data exfiltration attempt; keep the perimeter and investigate the identity.',
      ],
      conditions: [
        {
          kind: 'threshold',
          displayName: 'perimeter violations > 0',
          signal: {
            filter: metricFilter(PERIMETER_VIOLATIONS_METRIC, 'audited_resource'),
            aggregation: {
              alignmentPeriodSeconds: FIVE_MINUTES,
              perSeriesAligner: 'ALIGN_SUM',
              crossSeriesReducer: 'REDUCE_SUM',
              groupByFields: ['metric.label.service', 'metric.label.principal'],
            },
          },
          comparison: 'COMPARISON_GT',
          threshold: 0,
          durationSeconds: 0,
        },
      ],
    });
  }
  if (modelSyncRuns(config)) {
    specs.push({
      name: 'model_sync_failed',
      displayName: 'A model-sync Job failed: weights not staged',
      severity: 'ERROR',
      meaning: `A Job copying a model's weights from Hugging Face into the model bucket (namespace ${config.inference!.namespace}) gave up after its retries or its deadline. Engines of that model wait in their init container (or keep the weights they had); an install or upgrade of the inference stack fails once the Helm timeout passes.`,
      firstSteps: [
        'Read the Job\'s logs in Logs Explorer (resource.type="k8s_container", container_name="sync", the Job name in pod_name): the last file and the error. kubectl logs finds nothing once Helm\'s atomic rollback has deleted the failed Job.',
        "'larger than MAX_FILE_BYTES': the repository has a file above catalog/models.ts MAX_CHECKPOINT_FILE_GB, which sizes the pod's disk; raise it.",
        "401/403 from the Hub: the hf-token secret's latest version is missing or has not accepted the model's licence; 403 from storage: the model-sync identity's bucket grant.",
        'Deadline exceeded on a large model: re-run the deploy (files already copied are skipped).',
      ],
      conditions: [
        {
          kind: 'threshold',
          displayName: 'failed model-sync Jobs > 0',
          signal: {
            filter: metricFilter(MODEL_SYNC_FAILURES_METRIC, MODEL_SYNC_FAILURES_RESOURCE),
            aggregation: {
              alignmentPeriodSeconds: FIVE_MINUTES,
              perSeriesAligner: 'ALIGN_SUM',
              crossSeriesReducer: 'REDUCE_SUM',
              groupByFields: ['metric.label.job'],
            },
          },
          comparison: 'COMPARISON_GT',
          threshold: 0,
          durationSeconds: 0,
        },
      ],
    });
  }
  return specs;
}
