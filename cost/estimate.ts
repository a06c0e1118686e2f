import { bundledGpus, PriceLookupError } from './prices';
import { block, blocks, literalString, regionOf } from './pricers/attrs';
import { connectorInstances, nodePoolNodes } from './pricers/compute';
import { freeReason, NOT_PRICED_TYPES, PRICERS } from './pricers';
import { servesHttps } from './pricers/network';
import { serviceRole } from './pricers/serverless';
import { addressOf, Attrs, EnvironmentFacts, NO_FACTS, PricingContext } from './pricers/types';
import { SynthesizedStack } from './synthesized';
import { Usage } from './usage';

export interface PricedResource {
  readonly address: string;
  readonly type: string;
  readonly monthlyUsd: number;
  readonly basis: string;
}

export interface ListedResource {
  readonly address: string;
  readonly type: string;
  readonly reason: string;
}

export interface StackCost {
  readonly id: string;
  readonly monthlyUsd: number;
  readonly priced: PricedResource[];
  readonly free: ListedResource[];
  readonly notPriced: ListedResource[];
}

export interface CostEstimate {
  readonly stacks: StackCost[];
  readonly monthlyUsd: number;
  /** Things the reader should know, e.g. an expectedNodes entry that matches no node pool. */
  readonly notes: string[];
}

const REFERENCE = /^\$\{([A-Za-z0-9_]+)\.([A-Za-z0-9_-]+)\.[^}]+\}$/;

function lookupIn(stack: SynthesizedStack): PricingContext['lookup'] {
  return (reference) => {
    const match = typeof reference === 'string' ? REFERENCE.exec(reference) : null;
    return match ? stack.resources.find((r) => r.type === match[1] && r.name === match[2])?.attrs : undefined;
  };
}

/** Whether a node pool runs GPUs (listed accelerators or an accelerator-optimized machine). */
export function hasGpus(attrs: Attrs): boolean {
  const nodeConfig = block(attrs.node_config);
  return (
    blocks(nodeConfig.guest_accelerator).length > 0 ||
    bundledGpus(literalString(nodeConfig.machine_type) ?? '').length > 0
  );
}

export interface NodePoolSummary {
  /** The pool's `name` attribute (the key of `cost.expectedNodes`). */
  readonly name: string | undefined;
  readonly region: string;
  readonly nodes: number;
  readonly gpus: boolean;
}

/** Every node pool of the environment with the node count it is priced at. */
export function nodePools(stacks: SynthesizedStack[], region: string, usage: Usage): NodePoolSummary[] {
  return stacks.flatMap((stack) => {
    const ctx: PricingContext = { region, usage, facts: NO_FACTS, lookup: lookupIn(stack) };
    return stack.resources
      .filter((r) => r.type === 'google_container_node_pool')
      .map(({ attrs }) => ({
        name: literalString(attrs.name),
        region: regionOf(attrs, ctx),
        nodes: nodePoolNodes(attrs, ctx).nodes,
        gpus: hasGpus(attrs),
      }));
  });
}

function gatherFacts(stacks: SynthesizedStack[], region: string, usage: Usage): EnvironmentFacts {
  const vmsByRegion: Record<string, number> = {};
  const addVms = (where: string, vms: number) => (vmsByRegion[where] = (vmsByRegion[where] ?? 0) + vms);
  for (const pool of nodePools(stacks, region, usage)) addVms(pool.region, pool.nodes);
  const globalForwardingRules: string[] = [];
  let httpsForwardingRules = 0;
  let securityPolicies = 0;
  const primaryServices = { frontend: 0, backend: 0 };
  for (const { type, name, attrs } of stacks.flatMap((s) => s.resources)) {
    if (type === 'google_vpc_access_connector')
      addVms(literalString(attrs.region) ?? region, connectorInstances(attrs));
    if (type === 'google_compute_global_forwarding_rule') {
      globalForwardingRules.push(addressOf({ type, name }));
      if (servesHttps(attrs.port_range)) httpsForwardingRules++;
    }
    if (type === 'google_compute_security_policy') securityPolicies++;
    if (type === 'google_cloud_run_v2_service' && (literalString(attrs.location) ?? region) === region) {
      primaryServices[serviceRole(attrs, name)]++;
    }
  }
  return {
    vmsByRegion,
    globalForwardingRules: globalForwardingRules.sort(),
    httpsForwardingRules,
    securityPolicies,
    primaryServices,
  };
}

function priceStack(stack: SynthesizedStack, ctx: PricingContext): StackCost {
  const priced: PricedResource[] = [];
  const free: ListedResource[] = [];
  const notPriced: ListedResource[] = [];
  for (const resource of stack.resources) {
    const entry = { address: addressOf(resource), type: resource.type };
    const pricer = PRICERS[resource.type];
    if (pricer) {
      try {
        priced.push({ ...entry, ...pricer(resource, ctx) });
      } catch (err) {
        if (!(err instanceof PriceLookupError)) throw err;
        notPriced.push({ ...entry, reason: err.message });
      }
      continue;
    }
    const reason = freeReason(resource.type);
    if (reason) free.push({ ...entry, reason });
    else
      notPriced.push({
        ...entry,
        reason: NOT_PRICED_TYPES[resource.type] ?? 'no price entry for this resource type',
      });
  }
  priced.sort((a, b) => b.monthlyUsd - a.monthlyUsd);
  return {
    id: stack.id,
    monthlyUsd: priced.reduce((sum, r) => sum + r.monthlyUsd, 0),
    priced,
    free,
    notPriced,
  };
}

/** Prices every resource of every stack; what has no price is listed, never dropped. */
export function estimateCosts(stacks: SynthesizedStack[], region: string, usage: Usage): CostEstimate {
  const facts = gatherFacts(stacks, region, usage);
  const costs = stacks.map((stack) => priceStack(stack, { region, usage, facts, lookup: lookupIn(stack) }));
  const poolNames = nodePools(stacks, region, usage).map((pool) => pool.name);
  const notes = Object.keys(usage.expectedNodes)
    .filter((name) => !poolNames.includes(name))
    .map(
      (name) => `cost.expectedNodes.${name} matches no node pool (pools: ${poolNames.join(', ') || 'none'})`,
    );
  return { stacks: costs, monthlyUsd: costs.reduce((sum, s) => sum + s.monthlyUsd, 0), notes };
}
