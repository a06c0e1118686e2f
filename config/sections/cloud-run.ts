import { z } from 'zod';
import { minNotAboveMax, report, show } from '../rules';

/**
 * Memory (GiB) Cloud Run accepts per CPU count with the gen2 execution environment, from
 * https://cloud.google.com/run/docs/configuring/services/cpu ("vCPU and memory table") and
 * .../memory-limits (gen2 needs at least 512 MiB). CPU below 1 exists only on gen1 with concurrency 1, so
 * it is not offered here.
 */
export const CPU_MEMORY_GIB: Readonly<Record<number, { min: number; max: number }>> = {
  1: { min: 0.5, max: 4 },
  2: { min: 0.5, max: 8 },
  4: { min: 2, max: 16 },
  6: { min: 4, max: 24 },
  8: { min: 4, max: 32 },
};

/** Cloud Run's ceiling on concurrent requests per instance. */
export const MAX_CONCURRENCY = 1000;

/** External LLM APIs the backend can fall back to (seed: X.AI, OpenAI). */
export const LLM_APIS = ['xai', 'openai'] as const;

// Service name + "-" + suffix must stay within Cloud Run's 63-character revision names.
const revisionSuffix = z.string().regex(/^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/, {
  error: (issue) =>
    `(${show(issue.input)}) is not a revision suffix. Fix: up to 40 lowercase letters, digits and "-", such as "v1-4-2"`,
});

const image = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$/, {
    error: (issue) =>
      `(${show(issue.input)}) is not an image with a tag or digest. Fix: use "<name>:<tag>" or "<name>@sha256:<digest>" (in the stack's Artifact Registry repository) or a full "<host>/<path>:<tag>"`,
  });

const trafficTarget = z.strictObject({
  /** Suffix of a revision to pin (`<service>-<revision>`); omit for the latest revision. @default latest */
  revision: revisionSuffix.optional(),
  /** Share of requests, 0-100. */
  percent: z.number().int().min(0).max(100),
});

/** One Cloud Run service's settings; `healthPath` differs per service, so its default is a parameter. */
function serviceSection(defaultHealthPath: string) {
  return z
    .strictObject({
      /** `<name>:<tag>` or `<name>@sha256:<digest>` in the stack's repository, or a full image reference. */
      image,
      /** vCPUs per instance: 1, 2, 4, 6 or 8 (gen2). */
      cpu: z.number(),
      /** Memory per instance in GiB; the allowed range depends on `cpu` (CPU_MEMORY_GIB). */
      memoryGiB: z.number(),
      /** Instances kept warm; 0 scales to zero (cold starts). */
      minInstances: z.number().int().min(0).max(1000),
      maxInstances: z.number().int().min(1).max(1000),
      /** Concurrent requests per instance before Cloud Run adds one (seed's scale trigger). */
      concurrency: z.number().int().min(1),
      /** Request timeout (seed: up to 60 minutes). @default 300 */
      timeoutSeconds: z.number().int().min(1).max(3600).default(300),
      /** HTTP path of the startup and liveness probes. @default per service */
      healthPath: z
        .string()
        .regex(/^\/[A-Za-z0-9._~/-]*$/, {
          error: (issue) =>
            `(${show(issue.input)}) is not a URL path. Fix: start it with "/", e.g. "/healthz"`,
        })
        .default(defaultHealthPath),
      /**
       * Names the revision this config creates `<service>-<revision>`, the same in every serving region, so a
       * later traffic split can pin it. Change it with every change to the service. @default generated names
       */
      revision: revisionSuffix.optional(),
      /** Traffic split across revisions; must sum to 100. @default all to the latest revision */
      traffic: z
        .array(trafficTarget)
        .min(1)
        .default([{ percent: 100 }]),
    })
    .superRefine((value, ctx) => {
      const memory = CPU_MEMORY_GIB[value.cpu];
      if (!memory) {
        report(
          ctx,
          ['cpu'],
          `(${value.cpu}) is not a CPU count Cloud Run offers with the gen2 execution environment. Fix: use one of ${Object.keys(CPU_MEMORY_GIB).join(', ')}`,
        );
      } else if (value.memoryGiB < memory.min || value.memoryGiB > memory.max) {
        report(
          ctx,
          ['memoryGiB'],
          `(${value.memoryGiB}) is outside the ${memory.min}-${memory.max} GiB Cloud Run allows with ${value.cpu} CPU. Fix: set memoryGiB within that range or change cpu`,
        );
      }
      minNotAboveMax(ctx, value, 'minInstances', 'maxInstances');
      if (value.concurrency > MAX_CONCURRENCY) {
        report(
          ctx,
          ['concurrency'],
          `(${value.concurrency}) is above Cloud Run's limit of ${MAX_CONCURRENCY} concurrent requests per instance. Fix: set ${MAX_CONCURRENCY} or less and let maxInstances absorb the load`,
        );
      }
      const total = value.traffic.reduce((sum, t) => sum + t.percent, 0);
      if (total !== 100) {
        report(
          ctx,
          ['traffic'],
          `(${value.traffic.map((t) => t.percent).join(' + ')} = ${total}) does not sum to 100. Fix: make the percents add up to 100`,
        );
      }
      const seen = new Set<string>();
      value.traffic.forEach((target, i) => {
        const key = target.revision ?? '(latest)';
        if (seen.has(key)) {
          report(
            ctx,
            ['traffic', i],
            `names ${target.revision ? `revision "${key}"` : 'the latest revision'} twice. Fix: merge the two entries`,
          );
        }
        seen.add(key);
      });
    });
}

export type CloudRunServiceConfig = z.output<ReturnType<typeof serviceSection>>;

/** A URL map path rule pattern: https://cloud.google.com/load-balancing/docs/url-map-concepts#wildcards-regx-dynamic */
const urlPathPattern = z.string().regex(/^\/[^*?#]*(\/\*)?$/, {
  error: (issue) =>
    `(${show(issue.input)}) is not a URL map path pattern. Fix: start with "/" and put "*" only at the end after a "/", e.g. "/chat/*"; no "?" or "#"`,
});

export const cloudRunSection = z.strictObject({
  frontend: serviceSection('/api/health'),
  backend: serviceSection('/health'),
  /** How the backend splits LLM requests between the local inference service and external APIs. */
  llmRouting: z
    .strictObject({
      /**
       * Percent of LLM requests sent to the local inference service (seed Phase 4 migration: 10 -> 50 -> 100);
       * the rest, and any local failure, go to the APIs in `apiFallbackOrder`. Needs the inference stack.
       */
      localSharePercent: z.number().int(),
      /** External APIs tried in order. @default ["xai", "openai"] */
      apiFallbackOrder: z.array(z.enum(LLM_APIS)).default(['xai', 'openai']),
    })
    .superRefine((value, ctx) => {
      if (value.localSharePercent < 0 || value.localSharePercent > 100) {
        report(
          ctx,
          ['localSharePercent'],
          `(${value.localSharePercent}) is outside 0-100. Fix: set the percent of LLM requests that go to the local models, 0-100`,
        );
      }
      if (new Set(value.apiFallbackOrder).size !== value.apiFallbackOrder.length) {
        report(
          ctx,
          ['apiFallbackOrder'],
          `(${show(value.apiFallbackOrder)}) repeats an API. Fix: list each API once`,
        );
      }
      if (value.apiFallbackOrder.length === 0 && value.localSharePercent < 100) {
        report(
          ctx,
          ['apiFallbackOrder'],
          `is empty while ${100 - value.localSharePercent} % of LLM requests go to external APIs. Fix: list at least one of ${LLM_APIS.join(', ')}`,
        );
      }
    }),
  /**
   * Paths of the backend's LLM endpoints (streamed conversation turns, seconds long). They get their own path
   * rule on the api host, so the API's latency alert and SLO measure the other paths only. @default ["/chat/*"]
   */
  llmPaths: z
    .array(urlPathPattern)
    .superRefine((value, ctx) => {
      if (value.length === 0) {
        report(
          ctx,
          [],
          'is empty. Fix: list the paths of the LLM endpoints (e.g. ["/chat/*"]) or leave the field out',
        );
      }
    })
    .default(['/chat/*']),
  /** Cloud Armor policy on both load balancer backends. */
  armor: z
    .strictObject({
      /** `preview` logs what the WAF rules would block; `enforce` blocks it. @default "enforce" */
      wafMode: z.enum(['preview', 'enforce']).default('enforce'),
      /** Preconfigured WAF sensitivity, 1 (fewest false positives) to 4. @default 1 */
      wafSensitivity: z.number().int().min(1).max(4).default(1),
      /** Per client IP: above `requestsPerMinute` requests get 429 and the client is banned for a while. */
      rateLimit: z
        .strictObject({
          /** @default 600 */
          requestsPerMinute: z.number().int().min(1).max(1_000_000).default(600),
          /** @default 300 */
          banDurationSeconds: z.number().int().min(60).max(86_400).default(300),
        })
        .prefault({}),
    })
    .prefault({}),
  /** Cloud CDN on the frontend backend (static content only, CACHE_ALL_STATIC). */
  cdn: z
    .strictObject({
      /** TTL for static responses without cache headers. @default 3600 */
      defaultTtlSeconds: z.number().int().min(0).max(31_622_400).default(3600),
      /** Upper bound on any TTL, whatever the origin says. @default 86400 */
      maxTtlSeconds: z.number().int().min(0).max(31_622_400).default(86_400),
      /** TTL sent to browsers. @default 3600 */
      clientTtlSeconds: z.number().int().min(0).max(31_622_400).default(3600),
      /** How long a stale object may be served while it is revalidated or the origin fails. @default 86400 */
      serveWhileStaleSeconds: z.number().int().min(0).max(86_400).default(86_400),
    })
    .superRefine((value, ctx) => {
      minNotAboveMax(ctx, value, 'defaultTtlSeconds', 'maxTtlSeconds');
      minNotAboveMax(ctx, value, 'clientTtlSeconds', 'maxTtlSeconds');
    })
    .prefault({}),
  /** TLS profile of the load balancer's SSL policy (minimum TLS 1.2 either way). @default "MODERN" */
  sslProfile: z.enum(['MODERN', 'RESTRICTED']).default('MODERN'),
  /** Fraction of load balancer requests logged. @default 1 */
  requestLogSampleRate: z.number().min(0).max(1).default(1),
  /** Artifact Registry cleanup. */
  registry: z
    .strictObject({
      /** Newest versions per image always kept (rollback targets). @default 20 */
      keepRecentVersions: z.number().int().min(1).max(1000).default(20),
      /** Untagged images deleted after this many days (unless among the kept versions). @default 14 */
      untaggedMaxAgeDays: z.number().int().min(1).max(3650).default(14),
    })
    .prefault({}),
});

export type CloudRunConfig = z.output<typeof cloudRunSection>;

/** Secret Manager secret holding an LLM API's key (one of the data stack's secrets). */
export function apiKeySecretId(api: (typeof LLM_APIS)[number]): string {
  return `${api}-api-key`;
}

/**
 * Cross-field rules (need the top-level config): local LLM traffic needs the inference stack; every fallback
 * API needs its key among the data stack's secrets.
 */
export function cloudRunRules(
  config: { cloudRun: CloudRunConfig; tier: string; stacks: string[]; data: { secrets: { id: string }[] } },
  ctx: z.RefinementCtx,
): void {
  const { apiFallbackOrder } = config.cloudRun.llmRouting;
  apiFallbackOrder.forEach((api, i) => {
    const secretId = apiKeySecretId(api);
    if (!config.data.secrets.some((s) => s.id === secretId)) {
      report(
        ctx,
        ['cloudRun', 'llmRouting', 'apiFallbackOrder', i],
        `(${show(api)}) has no "${secretId}" secret for its key. Fix: add {id: ${secretId}} to data.secrets or drop the API`,
      );
    }
  });
  const share = config.cloudRun.llmRouting.localSharePercent;
  if (share > 0 && !config.stacks.includes('inference')) {
    report(
      ctx,
      ['cloudRun', 'llmRouting', 'localSharePercent'],
      `(${share}) is above 0 but tier ${config.tier} has no inference stack to serve it. Fix: set 0, or use a tier with local models (scale, enterprise)`,
    );
  }
}
