import { bundledGpus, PriceLookupError, pricesFor } from './prices';
import { block, blocks, literalString, regionOf, usd } from './pricers/attrs';
import { connectorInstances, nodePoolNodes } from './pricers/compute';
import { freeReason, NOT_PRICED_TYPES, PRICERS } from './pricers';
import { serviceLoadBalancers, servesHttps } from './pricers/network';
import { serviceRole } from './pricers/serverless';
import { addressOf, Attrs, EnvironmentFacts, NO_FACTS, PricingContext } from './pricers/types';
import { SynthesizedStack } from './synthesized';
import { Usage } from './usage';

export interface PricedResource {
  readonly address: string;
  readonly type: string;
  readonly monthlyUsd: number;
  /** Bottom of the range for a price that moves (Spot). @default monthlyUsd */
  readonly minMonthlyUsd?: number;
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
  /** With every Spot node at the deepest discount. */
  readonly minMonthlyUsd: number;
  readonly priced: PricedResource[];
  readonly free: ListedResource[];
  readonly notPriced: ListedResource[];
}

export interface CostEstimate {
  readonly stacks: StackCost[];
  readonly monthlyUsd: number;
  /** With every Spot node at the deepest discount (equal to monthlyUsd without Spot nodes). */
  readonly minMonthlyUsd: number;
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
  let serviceLoadBalancersHere = 0;
  const lbLogRates: number[] = [];
  for (const { type, name, attrs } of stacks.flatMap((s) => s.resources)) {
    if (type === 'google_vpc_access_connector')
      addVms(literalString(attrs.region) ?? region, connectorInstances(attrs));
    if (type === 'google_compute_global_forwarding_rule') {
      globalForwardingRules.push(addressOf({ type, name }));
      if (servesHttps(attrs.port_range)) httpsForwardingRules++;
    }
    if (type === 'google_compute_security_policy') securityPolicies++;
    if (type === 'helm_release') serviceLoadBalancersHere += serviceLoadBalancers(attrs);
    const log = block(attrs.log_config);
    if (type === 'google_compute_backend_service' && log.enable === true) {
      lbLogRates.push(typeof log.sample_rate === 'number' ? log.sample_rate : 1);
    }
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
    // Helm releases run in the cluster, in the primary region.
    serviceLoadBalancersByRegion: { [region]: serviceLoadBalancersHere },
    lbLogSampleRate: lbLogRates.length > 0 ? lbLogRates.reduce((a, b) => a + b, 0) / lbLogRates.length : 0,
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
    minMonthlyUsd: priced.reduce((sum, r) => sum + (r.minMonthlyUsd ?? r.monthlyUsd), 0),
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
  notes.push(...volumeNotes(stacks, region));
  return {
    stacks: costs,
    monthlyUsd: costs.reduce((sum, s) => sum + s.monthlyUsd, 0),
    minMonthlyUsd: costs.reduce((sum, s) => sum + s.minMonthlyUsd, 0),
    notes,
  };
}

/** Charges that follow a volume the usage does not model: named with their rate, left out of the total. */
function volumeNotes(stacks: SynthesizedStack[], region: string): string[] {
  const prices = pricesFor(region);
  const resources = stacks.flatMap((s) => s.resources);
  const has = (type: string) => resources.some((r) => r.type === type);
  const notes: string[] = [];
  if (has('google_kms_crypto_key')) {
    notes.push(
      `not in the total: Cloud KMS cryptographic operations, ${usd(prices.kms.operationsPer10kUsd)} per 10K (CMEK services such as Cloud SQL, Storage and GKE call them too)`,
    );
  }
  if (has('google_secret_manager_secret')) {
    notes.push(
      `not in the total: Secret Manager access operations, ${usd(prices.secretManager.accessOperationsPer10kUsd)} per 10K`,
    );
  }
  const replicas = resources.filter(
    (r) =>
      r.type === 'google_sql_database_instance' &&
      r.attrs.master_instance_name !== undefined &&
      literalString(r.attrs.region) !== undefined &&
      literalString(r.attrs.region) !== region,
  );
  for (const replica of replicas) {
    notes.push(
      `not in the total: cross-region replication to ${addressOf(replica)} (${String(replica.attrs.region)}), inter-region data transfer per GiB the primary writes`,
    );
  }
  return notes;
}
