/** What the observability stack watches, and the signals of it that alerts, SLOs and dashboards share. */
import { EnvironmentConfig } from '../config/schema';
import { INFERENCE_NAMESPACE } from '../config/sections/inference';
import {
  businessSignals,
  cloudRunSignals,
  cloudSqlSignals,
  gpuDutyCycle,
  gpuQueries,
  loadBalancerSignals,
  redisSignals,
} from './signals';

/** What the observability stack watches, taken from the stacks that own it. */
export interface ObservedPlatform {
  /** Cloud Run service names (cloud-run stack). */
  readonly frontendServiceName: string;
  readonly backendServiceName: string;
  /** URL map of the global external HTTPS load balancer (cloud-run stack). */
  readonly urlMapName: string;
  /** Load balancer backend services of the frontend and the backend (cloud-run stack). */
  readonly frontendBackendServiceName: string;
  readonly backendBackendServiceName: string;
  /** Primary Cloud SQL instance name (data stack). */
  readonly sqlInstanceName: string;
  /** Cross-region replica instance name, where there is one. @default - no replica, no lag alert */
  readonly sqlReplicaName?: string;
  /** Memorystore instance id, `projects/<p>/locations/<r>/instances/<name>` (data stack). */
  readonly redisInstanceId: string;
  /** GKE cluster with GPU pools (gke-gpu stack). @default - no GPUs: no GPU alert, no GPU/LLM dashboard */
  readonly gpuClusterName?: string;
}

/** Every signal of the observed platform, written once for alerts, SLOs and dashboards. */
export function platformSignals(config: EnvironmentConfig, observed: ObservedPlatform) {
  const frontend = cloudRunSignals(observed.frontendServiceName);
  const backend = cloudRunSignals(observed.backendServiceName);
  const api = loadBalancerSignals(observed.urlMapName, observed.backendBackendServiceName);
  return {
    /** The backend's load balancer signals: what the API's alerts and SLOs measure. */
    api,
    /**
     * Both public services with their configured maximum instances and their load balancer backend, for
     * per-service conditions and charts.
     */
    services: [
      {
        role: 'frontend',
        signals: frontend,
        lb: loadBalancerSignals(observed.urlMapName, observed.frontendBackendServiceName),
        max: config.cloudRun.frontend.maxInstances,
      },
      {
        role: 'backend',
        signals: backend,
        lb: api,
        max: config.cloudRun.backend.maxInstances,
      },
    ],
    sql: cloudSqlSignals(`${config.projectId}:${observed.sqlInstanceName}`),
    /** @default - no replica */
    replica: observed.sqlReplicaName
      ? cloudSqlSignals(`${config.projectId}:${observed.sqlReplicaName}`)
      : undefined,
    redis: redisSignals(observed.redisInstanceId),
    business: businessSignals(),
    /** PromQL queries plus GKE's duty cycle. @default - no GPU cluster */
    gpu: observed.gpuClusterName
      ? {
          ...gpuQueries(observed.gpuClusterName, config.inference?.namespace ?? INFERENCE_NAMESPACE),
          dutyCycle: gpuDutyCycle(observed.gpuClusterName),
        }
      : undefined,
  };
}

export type PlatformSignals = ReturnType<typeof platformSignals>;
