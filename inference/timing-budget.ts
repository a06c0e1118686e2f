/**
 * One timing budget for an engine's first start (GPU node from zero, image pull, weights over GCS FUSE, load):
 * the Helm timeout, the startup probe window and the Deployment's progress deadline all derive from it, in that
 * order of size:
 * - the progress deadline fires first: it only marks the rollout as stalled (Progressing=False, a signal; Helm 3's
 *   wait does not act on it), so it warns before anything gives up;
 * - the startup probe window: the kubelet restarts an engine that has not answered /health by then;
 * - the Helm timeout fires last: an atomic release rolls back, so it must never cut off a pod that could
 *   still come up within its startup window.
 * Issue 18 derives `startupSeconds` from the model size; everything else follows.
 */

/** Startup window of the default budget: 25 minutes (a 70B 4-bit checkpoint over GCS FUSE on a fresh node). */
export const DEFAULT_STARTUP_SECONDS = 1500;
/** Margin between the three deadlines: one image pull or one weight re-read. */
const MARGIN_SECONDS = 300;
const STARTUP_DELAY_SECONDS = 60;
const STARTUP_PERIOD_SECONDS = 10;

export interface ProbeTiming {
  readonly initialDelaySeconds: number;
  readonly periodSeconds: number;
  readonly failureThreshold: number;
  readonly timeoutSeconds: number;
}

export interface TimingBudget {
  /** initialDelaySeconds + failureThreshold x periodSeconds = startupWindowSeconds. */
  readonly startupProbe: ProbeTiming;
  readonly startupWindowSeconds: number;
  /** Deployment `progressDeadlineSeconds`. */
  readonly progressDeadlineSeconds: number;
  /** helm_release `timeout`. */
  readonly helmTimeoutSeconds: number;
}

/** The budget for a first start of at most `startupSeconds` (rounded up to whole probe periods). */
export function timingBudget(startupSeconds = DEFAULT_STARTUP_SECONDS): TimingBudget {
  const failureThreshold = Math.ceil(
    Math.max(startupSeconds - STARTUP_DELAY_SECONDS, STARTUP_PERIOD_SECONDS) / STARTUP_PERIOD_SECONDS,
  );
  const startupWindowSeconds = STARTUP_DELAY_SECONDS + failureThreshold * STARTUP_PERIOD_SECONDS;
  return {
    startupProbe: {
      initialDelaySeconds: STARTUP_DELAY_SECONDS,
      periodSeconds: STARTUP_PERIOD_SECONDS,
      failureThreshold,
      timeoutSeconds: 5,
    },
    startupWindowSeconds,
    progressDeadlineSeconds: Math.max(startupWindowSeconds - MARGIN_SECONDS, STARTUP_PERIOD_SECONDS),
    helmTimeoutSeconds: startupWindowSeconds + MARGIN_SECONDS,
  };
}
