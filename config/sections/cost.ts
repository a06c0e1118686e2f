import { z } from 'zod';
import { report, show } from '../rules';

/** A usage figure: a count, volume or price that cannot be below zero. */
const usage = z.number().superRefine((value, ctx) => {
  if (value < 0) report(ctx, [], `(${show(value)}) is negative. Fix: use 0 or more`);
});

const fraction = z.number().superRefine((value, ctx) => {
  if (value < 0 || value > 1) {
    report(
      ctx,
      [],
      `(${show(value)}) is not a fraction between 0 and 1. Fix: use a value from 0 to 1 (0.5 is half)`,
    );
  }
});

const nodeCount = z.number().superRefine((value, ctx) => {
  if (!Number.isInteger(value) || value < 0) {
    report(ctx, [], `(${show(value)}) is not a node count. Fix: use a whole number of 0 or more`);
  }
});

/**
 * Usage assumptions for `npm run cost`. Every field is optional: an unset field takes the tier's figure from
 * cost/usage.ts (the seed's "Traffic Projections" and "Cost Comparison").
 */
export const costSection = z.strictObject({
  /** Daily active users (shown with the estimate; requests drive the cost). @default tier figure */
  usersPerDay: usage.optional(),
  /** Requests per day reaching the load balancer, frontend and backend together. @default tier figure */
  requestsPerDay: usage.optional(),
  /** Share of the requests that go to the backend (seed: 2M of 3M). @default 0.67 */
  backendRequestShare: fraction.optional(),
  /** Average time a Cloud Run instance spends on one request. @default 0.5 */
  requestDurationSeconds: usage.optional(),
  /**
   * Average requests an instance serves at once. @default per service: its mean concurrent requests, at least 1
   * and at most 60 % of its concurrency setting (Cloud Run's scaling target)
   */
  requestsSharingAnInstance: z
    .number()
    .superRefine((value, ctx) => {
      if (value < 1)
        report(
          ctx,
          [],
          `(${show(value)}) is below 1. Fix: use 1 or more (an instance serves at least one request)`,
        );
    })
    .optional(),
  /** Average response size, for load balancer, CDN and egress charges. @default 20 */
  averageResponseKiB: usage.optional(),
  /** Share of frontend responses Cloud CDN serves from cache. @default 0.6 */
  cdnCacheHitRatio: fraction.optional(),
  /** LLM conversations per month. @default tier figure (seed: ~10K at the startup tier) */
  llmConversationsPerMonth: usage.optional(),
  /** External LLM API cost of one conversation (seed: $500 for ~10K conversations). @default 0.05 */
  apiCostPerConversationUsd: usage.optional(),
  /** Log volume ingested per month besides request logs (platform, GKE, audit, flow logs). @default tier figure */
  logsGiBPerMonth: usage.optional(),
  /** Size of one request log entry (Cloud Run request log; load balancer log at its sample rate). @default 1 */
  requestLogKiB: usage.optional(),
  /** Data held per Cloud Storage bucket. @default tier figure */
  storageGiBPerBucket: usage.optional(),
  /** Container images kept in Artifact Registry. @default tier figure */
  containerImagesGiB: usage.optional(),
  /** Data through Cloud NAT per month (model downloads, external APIs). @default tier figure */
  natDataGiBPerMonth: usage.optional(),
  /**
   * Expected total nodes (all zones) of an autoscaled node pool, by the pool's name.
   * @default the pool's minimum (autoscaling min per zone x zones, or total min)
   */
  expectedNodes: z.record(z.string(), nodeCount).optional(),
});

export type CostSection = z.output<typeof costSection>;
