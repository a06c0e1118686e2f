import { CostSection } from '../config/sections/cost';
import { EnvironmentConfig, Tier } from '../config/schema';

/** The usage a cost estimate assumes: tier figures with the environment's `cost` overrides applied. */
export type Usage = Required<Omit<CostSection, 'expectedNodes' | 'requestsSharingAnInstance'>> & {
  readonly expectedNodes: Readonly<Record<string, number>>;
  /** Unset: each Cloud Run service's from its traffic and its concurrency setting (cost/pricers/serverless.ts). */
  readonly requestsSharingAnInstance?: number;
};

/** Figures every tier shares; each comes from the seed where the seed has one. */
const COMMON = {
  // "Cost Comparison": frontend 1M requests, backend 2M.
  backendRequestShare: 0.67,
  requestDurationSeconds: 0.5,
  // One Cloud Run request log entry per request, plus the load balancer's at its sample rate.
  requestLogKiB: 1,
  // Small API responses, pages with most assets served by the CDN.
  averageResponseKiB: 20,
  cdnCacheHitRatio: 0.6,
  // "LLM APIs (variable): $500, ~10K conversations".
  apiCostPerConversationUsd: 0.05,
  expectedNodes: {},
};

/**
 * Per tier: the seed's "Traffic Projections" row where the tier's user range starts (startup 0-1K users takes
 * the 100-user row, growth 1K-10K the 1,000 row, ...). Conversations: the seed's ~10K/month at the startup
 * tier (its "Current" cost table), then below the ~24K break-even at growth (APIs + caching) and above it from
 * scale on, where the seed moves to local GPUs.
 */
export const TIER_USAGE: Readonly<Record<Tier, Usage>> = {
  startup: {
    ...COMMON,
    usersPerDay: 100,
    requestsPerDay: 50_000,
    llmConversationsPerMonth: 10_000,
    logsGiBPerMonth: 10,
    storageGiBPerBucket: 5,
    containerImagesGiB: 5,
    natDataGiBPerMonth: 10,
  },
  growth: {
    ...COMMON,
    usersPerDay: 1_000,
    requestsPerDay: 500_000,
    llmConversationsPerMonth: 20_000,
    logsGiBPerMonth: 40,
    storageGiBPerBucket: 20,
    containerImagesGiB: 10,
    natDataGiBPerMonth: 50,
  },
  scale: {
    ...COMMON,
    usersPerDay: 10_000,
    requestsPerDay: 5_000_000,
    llmConversationsPerMonth: 50_000,
    logsGiBPerMonth: 150,
    // Model weights: a 13B model at fp16 is ~26 GB, plus versions.
    storageGiBPerBucket: 100,
    containerImagesGiB: 20,
    natDataGiBPerMonth: 200,
  },
  enterprise: {
    ...COMMON,
    usersPerDay: 100_000,
    requestsPerDay: 50_000_000,
    llmConversationsPerMonth: 200_000,
    logsGiBPerMonth: 1_000,
    // 70B weights are ~140 GB at fp16.
    storageGiBPerBucket: 500,
    containerImagesGiB: 50,
    natDataGiBPerMonth: 1_000,
  },
};

/** The environment's usage: its tier's figures, overridden field by field by its `cost` section. */
export function resolveUsage(config: Pick<EnvironmentConfig, 'tier' | 'cost'>): Usage {
  const overrides = Object.fromEntries(Object.entries(config.cost ?? {}).filter(([, v]) => v !== undefined));
  return { ...TIER_USAGE[config.tier], ...overrides };
}

export const HOURS_PER_MONTH = 730;
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;
export const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
