import { CostEstimate, estimateCosts, nodePools } from './estimate';
import { containerCluster, containerNodePool } from './pricers/compute';
import { NO_FACTS, PricingContext } from './pricers/types';
import { SynthesizedStack } from './synthesized';
import { Usage } from './usage';

/** The stacks that make up "GKE + local GPUs"; everything else is shared by both options. */
export const GKE_STACKS = ['gke-gpu', 'inference'];

export interface BreakEvenInput {
  /** What both options pay: Cloud Run, data, network, observability (seed: $400). */
  readonly sharedMonthlyUsd: number;
  /** What GKE with local GPUs adds (seed: control plane + CPU nodes + GPU nodes = $1,213). */
  readonly gkeMonthlyUsd: number;
  readonly conversationsPerMonth: number;
  readonly apiCostPerConversationUsd: number;
}

export interface BreakEven extends BreakEvenInput {
  /** "Cloud Run + external APIs": shared + conversations x API cost. */
  readonly apisMonthlyUsd: number;
  readonly apiSpendUsd: number;
  /** "GKE + local GPUs": shared + GKE, no API spend. */
  readonly gpusMonthlyUsd: number;
  /** API spend where the two cost the same: the GKE addition. */
  readonly breakEvenApiSpendUsd: number;
  /** Conversations per month at that spend (Infinity when conversations cost nothing). */
  readonly breakEvenConversations: number;
  readonly cheaper: 'apis' | 'gpus';
  /** How much the cheaper option saves per month. */
  readonly savingUsd: number;
}

/** The seed's comparison: APIs cost per conversation, local GPUs cost the same whatever the volume. */
export function breakEven(input: BreakEvenInput): BreakEven {
  const apiSpendUsd = input.conversationsPerMonth * input.apiCostPerConversationUsd;
  const apisMonthlyUsd = input.sharedMonthlyUsd + apiSpendUsd;
  const gpusMonthlyUsd = input.sharedMonthlyUsd + input.gkeMonthlyUsd;
  return {
    ...input,
    apiSpendUsd,
    apisMonthlyUsd,
    gpusMonthlyUsd,
    breakEvenApiSpendUsd: input.gkeMonthlyUsd,
    breakEvenConversations:
      input.apiCostPerConversationUsd > 0 ? input.gkeMonthlyUsd / input.apiCostPerConversationUsd : Infinity,
    cheaper: apisMonthlyUsd <= gpusMonthlyUsd ? 'apis' : 'gpus',
    savingUsd: Math.abs(apisMonthlyUsd - gpusMonthlyUsd),
  };
}

/**
 * The seed's Phase 2 GKE ("GKE + Local LLMs"): a Standard cluster, 3x n1-standard-4 always on and 2x
 * n1-standard-4 + T4 at 24/7, on demand, with the seed's 100 GB boot disks. Used when the environment has no
 * GPU pool of its own to compare with.
 */
export function referenceGkeMonthlyUsd(region: string, usage: Usage): number {
  const ctx: PricingContext = {
    region,
    usage: { ...usage, expectedNodes: {} },
    facts: NO_FACTS,
    lookup: () => undefined,
  };
  const pool = (name: string, nodes: number, nodeConfig: object) =>
    containerNodePool(
      {
        stack: 'reference',
        type: 'google_container_node_pool',
        name,
        attrs: { location: `${region}-a`, node_count: nodes, node_config: nodeConfig },
      },
      ctx,
    ).monthlyUsd;
  const cluster = containerCluster(
    {
      stack: 'reference',
      type: 'google_container_cluster',
      name: 'gke',
      attrs: { location: region, remove_default_node_pool: true },
    },
    ctx,
  ).monthlyUsd;
  return (
    cluster +
    pool('cpu', 3, { machine_type: 'n1-standard-4', disk_size_gb: 100 }) +
    pool('gpu', 2, {
      machine_type: 'n1-standard-4',
      disk_size_gb: 100,
      guest_accelerator: [{ type: 'nvidia-tesla-t4', count: 1 }],
    })
  );
}

export interface EnvironmentBreakEven extends BreakEven {
  /** Where the GKE figure comes from: the environment's own stacks, or the seed's reference setup. */
  readonly gkeSource: 'environment' | 'seed reference';
  /** GPU pools that scale to zero, counted at one node: serving conversations locally needs one up 24/7. */
  readonly gpuPoolsAtOneNode: string[];
}

/**
 * The break-even for an environment. Both sides share everything outside the gke-gpu and inference stacks.
 * With GPU pools of its own, the GKE side is those two stacks as synthesized; without (startup, growth), it is
 * the seed's Phase 2 setup priced from the table.
 */
export function environmentBreakEven(
  estimate: CostEstimate,
  stacks: SynthesizedStack[],
  region: string,
  usage: Usage,
  fallbackPools: ReadonlySet<string> = new Set(),
): EnvironmentBreakEven {
  const gkeOwn = estimate.stacks
    .filter((s) => GKE_STACKS.includes(s.id))
    .reduce((sum, s) => sum + s.monthlyUsd, 0);
  const gpuPools = nodePools(stacks, region, usage).filter((pool) => pool.gpus);
  // Fallback pools stand in for their first choice: only the first choice is counted at one node.
  const idle = gpuPools
    .filter((pool) => pool.nodes === 0 && pool.name !== undefined && !fallbackPools.has(pool.name))
    .map((pool) => pool.name!);
  const gpuSide =
    idle.length === 0
      ? gkeOwn
      : estimateCosts(
          stacks.filter((s) => GKE_STACKS.includes(s.id)),
          region,
          {
            ...usage,
            expectedNodes: { ...usage.expectedNodes, ...Object.fromEntries(idle.map((name) => [name, 1])) },
          },
        ).monthlyUsd;
  const result = breakEven({
    sharedMonthlyUsd: estimate.monthlyUsd - gkeOwn,
    gkeMonthlyUsd: gpuPools.length > 0 ? gpuSide : referenceGkeMonthlyUsd(region, usage),
    conversationsPerMonth: usage.llmConversationsPerMonth,
    apiCostPerConversationUsd: usage.apiCostPerConversationUsd,
  });
  return {
    ...result,
    gkeSource: gpuPools.length > 0 ? 'environment' : 'seed reference',
    gpuPoolsAtOneNode: idle,
  };
}
