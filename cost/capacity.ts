import { parseYaml } from '../config/parse-yaml';
import { COMPUTE_CLASS_KEY } from '../catalog/gpus';
import { HOURS_PER_MONTH } from './usage';
import { block, literalString, regionOf } from './pricers/attrs';
import { nodeHour, nodePoolNodes } from './pricers/compute';
import { Attrs, NO_FACTS, PricingContext } from './pricers/types';
import { SynthesizedStack } from './synthesized';
import { Usage } from './usage';

/**
 * The price spread of each GPU pool's capacity fallback: the estimate prices the first choice (its node pool at
 * its node count); the fallback pools start empty and cost nothing until GKE reaches for them. This is what a
 * node costs on each way to get it, from the compute classes the inference stack installs (their priorities name
 * the node pools in order) and the node pools of the gke-gpu stack.
 */

export interface CapacityOptionPrice {
  readonly nodePool: string;
  /** How the pool buys its nodes, from its node config. */
  readonly provisioning: 'reservation' | 'on-demand' | 'flex-start' | 'spot';
  readonly description: string;
  /** Per node and hour; spot is a range down to the deepest discount. */
  readonly minHourUsd: number;
  readonly hourUsd: number;
}

export interface CapacitySpread {
  readonly computeClass: string;
  /** Options in priority order; the first is what the estimate prices. */
  readonly options: readonly CapacityOptionPrice[];
  /** Nodes the spread is shown for: the first choice's priced nodes, at least one. */
  readonly nodes: number;
  /** Cheapest to dearest option for `nodes` nodes running all month. */
  readonly minMonthlyUsd: number;
  readonly maxMonthlyUsd: number;
}

/** Node pool names of each compute class, in priority order (charts/compute-classes values of any release). */
function classPriorities(stacks: SynthesizedStack[]): Map<string, string[]> {
  const classes = new Map<string, string[]>();
  for (const { type, attrs } of stacks.flatMap((s) => s.resources)) {
    if (type !== 'helm_release' || !Array.isArray(attrs.values)) continue;
    for (const text of attrs.values) {
      let doc: Attrs | undefined;
      try {
        doc = typeof text === 'string' ? (parseYaml(text) as Attrs) : undefined;
      } catch {
        continue;
      }
      for (const c of Array.isArray(doc?.classes) ? (doc.classes as Attrs[]) : []) {
        const pools = ((c.priorities ?? []) as Attrs[]).flatMap((p) => (p.nodepools ?? []) as string[]);
        if (typeof c.name === 'string' && pools.length > 0) classes.set(c.name, pools);
      }
    }
  }
  return classes;
}

function provisioningOf(nodeConfig: Attrs): CapacityOptionPrice['provisioning'] {
  if (nodeConfig.spot === true || nodeConfig.preemptible === true) return 'spot';
  if (nodeConfig.flex_start === true) return 'flex-start';
  return block(nodeConfig.reservation_affinity).consume_reservation_type === 'SPECIFIC_RESERVATION'
    ? 'reservation'
    : 'on-demand';
}

/** The spread of every compute class served by node pools of the gke-gpu stack (Standard clusters). */
export function capacitySpreads(stacks: SynthesizedStack[], region: string, usage: Usage): CapacitySpread[] {
  const pools = new Map<string, { attrs: Attrs; ctx: PricingContext }>();
  for (const stack of stacks) {
    for (const { type, attrs } of stack.resources) {
      const name = literalString(attrs.name);
      if (type !== 'google_container_node_pool' || name === undefined) continue;
      const lookup: PricingContext['lookup'] = () => undefined;
      pools.set(name, { attrs, ctx: { region, usage, facts: NO_FACTS, lookup } });
    }
  }
  return [...classPriorities(stacks)].flatMap(([computeClass, names]) => {
    const found = names.flatMap((name) => {
      const pool = pools.get(name);
      const nodeConfig = block(pool?.attrs.node_config);
      // Only pools that serve the class (label set by the gke-gpu stack).
      if (
        !pool ||
        (block(nodeConfig.labels) as Record<string, unknown>)[COMPUTE_CLASS_KEY] !== computeClass
      ) {
        return [];
      }
      const { hourUsd, minHourUsd, description } = nodeHour(nodeConfig, regionOf(pool.attrs, pool.ctx));
      return [
        { nodePool: name, provisioning: provisioningOf(nodeConfig), description, minHourUsd, hourUsd, pool },
      ];
    });
    if (found.length === 0) return [];
    const first = found[0].pool;
    const nodes = Math.max(1, nodePoolNodes(first.attrs, first.ctx).nodes);
    const options = found.map(({ pool: _pool, ...option }) => option);
    return [
      {
        computeClass,
        options,
        nodes,
        minMonthlyUsd: nodes * Math.min(...options.map((o) => o.minHourUsd)) * HOURS_PER_MONTH,
        maxMonthlyUsd: nodes * Math.max(...options.map((o) => o.hourUsd)) * HOURS_PER_MONTH,
      },
    ];
  });
}

/** Fallback node pools (every option after a class's first): they start empty and stand in for the first choice. */
export function fallbackPoolNames(spreads: readonly CapacitySpread[]): Set<string> {
  return new Set(spreads.flatMap((s) => s.options.slice(1).map((o) => o.nodePool)));
}
