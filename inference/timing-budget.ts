/**
 * One timing budget for an engine's first start (GPU node from zero, image pull, weights over GCS FUSE, load):
 * the Helm timeout, the startup probe window and the Deployment's progress deadline all derive from it:
 * - the startup probe window: the kubelet restarts an engine that has not answered /health by then; its clock
 *   starts with the container;
 * - the progress deadline marks the rollout as stalled (Progressing=False: `kubectl rollout status` and
 *   kstatus-style waits (Helm 4, Argo CD, Flux) report it as failed; Helm 3's wait ignores it). It counts from the
 *   rollout's start, before the container exists, so it covers the pre-start allowance + the startup window: a
 *   cold rollout within its budget never reports ProgressDeadlineExceeded. A chart that fixes it (vllm-stack:
 *   1200 s) does report it on a cold start of a GPU node from zero;
 * - the Helm timeout fires last: an atomic release rolls back, so it must never cut off a pod that could
 *   still come up within its startup window. Its clock starts with the release, so it covers the pre-start
 *   allowance + the startup window + a margin. What Helm 3 waits for: a Deployment counts as ready once
 *   replicas - maxUnavailable pods are; engines roll with maxUnavailable 1, so a 1-replica engine is "ready" at
 *   once and only the Jobs of model-sync (wait_for_jobs) hold the apply (docs/inference.md "Startup budgets").
 * `startupSeconds` comes from the model size (modelStartupSeconds); everything else follows.
 */

/**
 * Startup budget when no model sizes it: 24 minutes of probes, a 25-minute window with the initial delay (what
 * the releases used before budgets were derived per model).
 */
export const DEFAULT_STARTUP_SECONDS = 1440;
/**
 * Weight read throughput the startup window assumes, in GB/s: one engine pod reading safetensors through GCS FUSE
 * (parallel downloads on; a conservative figure, not a measurement on GKE), or downloading from the Hub into the
 * PVC on a first start (the Hub's CDN to one pod).
 */
export const WEIGHT_READ_GB_PER_SECOND = { gcsfuse: 0.1, pvc: 0.05 } as const;
/** Engine start besides reading weights: CUDA init, vLLM's torch.compile and CUDA graph capture, KV-cache allocation. */
export const ENGINE_INIT_SECONDS = 600;

/** Startup window a model needs: its weights over the stated throughput + the fixed engine init, whole seconds. */
export function modelStartupSeconds(
  weightsGb: number,
  modelCache: keyof typeof WEIGHT_READ_GB_PER_SECOND,
): number {
  return Math.ceil(weightsGb / WEIGHT_READ_GB_PER_SECOND[modelCache]) + ENGINE_INIT_SECONDS;
}

/** Margin between the three deadlines: one image pull or one weight re-read. */
const MARGIN_SECONDS = 300;
/**
 * Time between the release's start and the engine container's start on a GPU pool scaled to zero (allowances,
 * not measurements on GKE): the cluster autoscaler adds a GPU node (VM create, boot, node Ready), GKE's driver
 * installer loads the NVIDIA driver before the node advertises `nvidia.com/gpu`, the kubelet pulls the engine
 * image (vllm-openai and TGI are several GB compressed; image streaming shortens it), and the GCS FUSE sidecar
 * starts first.
 */
export const PRE_START_SECONDS = {
  gpuNodeScaleUp: 300,
  nvidiaDriverInstall: 180,
  imagePull: 360,
  gcsFuseSidecar: 60,
} as const;
const PRE_START_TOTAL_SECONDS = Object.values(PRE_START_SECONDS).reduce((a, b) => a + b, 0);
const STARTUP_DELAY_SECONDS = 60;
const STARTUP_PERIOD_SECONDS = 10;

export interface ProbeTiming {
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly failureThreshold: number;
  readonly timeoutSeconds: number;
}

export interface TimingBudget {
  /** initialDelaySeconds + failureThreshold x periodSeconds = startupWindowSeconds; the product alone >= the budget. */
  readonly startupProbe: ProbeTiming;
  readonly startupWindowSeconds: number;
  /** Before the container starts: GPU node from zero, driver, image pull, sidecar (PRE_START_SECONDS). */
  readonly preStartSeconds: number;
  /** Deployment `progressDeadlineSeconds`: preStartSeconds + startupWindowSeconds unless a chart fixes it. */
  readonly progressDeadlineSeconds: number;
  /** helm_release `timeout`: preStartSeconds + startupWindowSeconds + a margin. */
  readonly helmTimeoutSeconds: number;
}

/**
 * The budget for a first start of at most `startupSeconds` (rounded up to whole probe periods). A chart that fixes
 * the progress deadline (vllm-stack: 1200 s) passes it: the window then stays a margin above it.
 */
export function timingBudget(
  startupSeconds = DEFAULT_STARTUP_SECONDS,
  fixedProgressDeadlineSeconds?: number,
): TimingBudget {
  // failureThreshold x periodSeconds alone covers the budget (the initial delay comes on top), so the kubelet
  // never restarts an engine, and liveness never starts, while it is within its budget.
  const wanted =
    fixedProgressDeadlineSeconds === undefined
      ? startupSeconds
      : Math.max(startupSeconds, fixedProgressDeadlineSeconds + MARGIN_SECONDS - STARTUP_DELAY_SECONDS);
  const failureThreshold = Math.ceil(Math.max(wanted, STARTUP_PERIOD_SECONDS) / STARTUP_PERIOD_SECONDS);
  const startupWindowSeconds = STARTUP_DELAY_SECONDS + failureThreshold * STARTUP_PERIOD_SECONDS;
  return {
    startupProbe: {
      initialDelaySeconds: STARTUP_DELAY_SECONDS,
      periodSeconds: STARTUP_PERIOD_SECONDS,
      failureThreshold,
      timeoutSeconds: 5,
    },
    startupWindowSeconds,
    preStartSeconds: PRE_START_TOTAL_SECONDS,
    progressDeadlineSeconds: fixedProgressDeadlineSeconds ?? PRE_START_TOTAL_SECONDS + startupWindowSeconds,
    helmTimeoutSeconds: PRE_START_TOTAL_SECONDS + startupWindowSeconds + MARGIN_SECONDS,
  };
}

/**
 * Hugging Face -> bucket throughput of one model-sync pod (Hub download, then the upload through GCS FUSE), GB/s:
 * stated, not measured; the Job's deadline doubles it.
 */
export const MODEL_SYNC_GB_PER_SECOND = 0.05;

export interface ModelSyncBudget {
  /** Job `activeDeadlineSeconds`: twice the expected copy time (retries included) + one CPU node scale-up. */
  readonly activeDeadlineSeconds: number;
  /** helm_release `timeout` of the model-sync release (it waits for the Jobs): the deadline + a margin. */
  readonly helmTimeoutSeconds: number;
}

/** Budget of the model-sync Jobs, which run in parallel: from the largest checkpoint (GB). */
export function modelSyncBudget(largestCheckpointGb: number): ModelSyncBudget {
  const activeDeadlineSeconds =
    2 * Math.ceil(largestCheckpointGb / MODEL_SYNC_GB_PER_SECOND) + PRE_START_SECONDS.gpuNodeScaleUp;
  return { activeDeadlineSeconds, helmTimeoutSeconds: activeDeadlineSeconds + MARGIN_SECONDS };
}
