import { bundledGpus, gpuHourUsd, machineHourUsd, pricesFor } from '../prices';
import { HOURS_PER_MONTH } from '../usage';
import { block, blocks, count, literalNumber, literalString, regionOf, usd } from './attrs';
import { Attrs, Estimate, PricingContext, Pricer } from './types';

/** GKE spreads a regional cluster's nodes over three zones unless `node_locations` says otherwise. */
export const GKE_DEFAULT_ZONES = 3;

function zoneCount(attrs: Attrs, cluster: Attrs | undefined): number {
  for (const source of [attrs, cluster ?? {}]) {
    const locations = source.node_locations;
    if (Array.isArray(locations) && locations.length > 0) return locations.length;
  }
  const location = literalString(attrs.location) ?? literalString(cluster?.location);
  return location && /-[a-z]$/.test(location) ? 1 : GKE_DEFAULT_ZONES;
}

export interface NodeCount {
  readonly nodes: number;
  readonly zones: number;
  /** Where the count came from, for the basis column. */
  readonly how: string;
}

/**
 * Nodes a pool is expected to run: `cost.expectedNodes.<pool>` when set, else the autoscaling minimum
 * (`total_min_node_count`, or `min_node_count` per zone), else the fixed `node_count` per zone.
 */
export function nodePoolNodes(attrs: Attrs, ctx: PricingContext): NodeCount {
  const zones = zoneCount(attrs, ctx.lookup(attrs.cluster));
  const name = literalString(attrs.name);
  const expected = name === undefined ? undefined : ctx.usage.expectedNodes[name];
  if (expected !== undefined) return { nodes: expected, zones, how: `cost.expectedNodes.${name}` };
  const autoscaling = blocks(attrs.autoscaling)[0];
  if (autoscaling) {
    const totalMin = literalNumber(autoscaling.total_min_node_count);
    if (totalMin !== undefined) return { nodes: totalMin, zones, how: 'autoscaling total min' };
    const min = literalNumber(autoscaling.min_node_count) ?? 0;
    return { nodes: min * zones, zones, how: `autoscaling min ${min}/zone` };
  }
  const perZone = literalNumber(attrs.node_count) ?? literalNumber(attrs.initial_node_count) ?? 1;
  return { nodes: perZone * zones, zones, how: `${perZone}/zone` };
}

/**
 * Hourly price of one node: machine, attached GPUs, boot disk; for Spot, the range down to the deepest discount.
 * Flex-start and reservations are priced at on-demand: the table has no flex-start discount, and a reservation
 * bills on-demand rates whether used or not.
 */
export function nodeHour(
  nodeConfig: Attrs,
  region: string,
): { hourUsd: number; minHourUsd: number; description: string } {
  const prices = pricesFor(region);
  const machineType = literalString(nodeConfig.machine_type) ?? 'e2-medium';
  let hourUsd = machineHourUsd(machineType, region);
  let description = machineType;
  const listed = blocks(nodeConfig.guest_accelerator).map((accelerator) => ({
    acceleratorType: literalString(accelerator.type) ?? String(accelerator.type),
    count: literalNumber(accelerator.count) ?? 1,
  }));
  for (const gpu of listed.length > 0 ? listed : bundledGpus(machineType)) {
    hourUsd += gpu.count * gpuHourUsd(gpu.acceleratorType, region);
    description += ` + ${gpu.count}x ${gpu.acceleratorType}`;
  }
  const spot = nodeConfig.spot === true || nodeConfig.preemptible === true;
  const maxDiscount = prices.compute.maxSpotDiscount;
  // Spot discounts machine and GPUs, not the disk.
  let minHourUsd = spot ? hourUsd * (1 - maxDiscount) : hourUsd;
  const diskGb = literalNumber(nodeConfig.disk_size_gb) ?? 100;
  const diskType = literalString(nodeConfig.disk_type) ?? 'pd-balanced';
  const diskRate = prices.compute.diskGbMonthUsd[diskType] ?? prices.compute.diskGbMonthUsd['pd-balanced'];
  hourUsd += (diskGb * diskRate) / HOURS_PER_MONTH;
  minHourUsd += (diskGb * diskRate) / HOURS_PER_MONTH;
  const flex = nodeConfig.flex_start === true ? ' flex-start (priced at on-demand)' : '';
  description += `${spot ? ` spot (0-${maxDiscount * 100}% off on-demand)` : flex}, ${diskGb} GB ${diskType}`;
  return { hourUsd, minHourUsd, description };
}

function poolEstimate(nodeCount: NodeCount, nodeConfig: Attrs, region: string): Estimate {
  const { hourUsd, minHourUsd, description } = nodeHour(nodeConfig, region);
  const rate = minHourUsd < hourUsd ? `${usd(minHourUsd)}-${usd(hourUsd)}/h` : `${usd(hourUsd)}/h`;
  return {
    monthlyUsd: nodeCount.nodes * hourUsd * HOURS_PER_MONTH,
    ...(minHourUsd < hourUsd ? { minMonthlyUsd: nodeCount.nodes * minHourUsd * HOURS_PER_MONTH } : {}),
    basis: `${nodeCount.nodes} node${nodeCount.nodes === 1 ? '' : 's'} (${nodeCount.how}, ${nodeCount.zones} zones) x ${description} @ ${rate}`,
  };
}

export const containerNodePool: Pricer = ({ attrs }, ctx) =>
  poolEstimate(nodePoolNodes(attrs, ctx), block(attrs.node_config), regionOf(attrs, ctx));

export const containerCluster: Pricer = ({ attrs }, ctx) => {
  const region = regionOf(attrs, ctx);
  const fee = pricesFor(region).gke.clusterHourUsd * HOURS_PER_MONTH;
  const feeBasis = `management fee ${usd(pricesFor(region).gke.clusterHourUsd)}/h`;
  if (attrs.enable_autopilot === true) {
    return {
      monthlyUsd: fee,
      basis: `Autopilot ${feeBasis}; pods bill per resource request (not estimated)`,
    };
  }
  if (attrs.remove_default_node_pool === true) return { monthlyUsd: fee, basis: `Standard ${feeBasis}` };
  const pool = poolEstimate(
    nodePoolNodes({ ...attrs, name: undefined }, ctx),
    block(attrs.node_config),
    region,
  );
  return {
    monthlyUsd: fee + pool.monthlyUsd,
    ...(pool.minMonthlyUsd !== undefined ? { minMonthlyUsd: fee + pool.minMonthlyUsd } : {}),
    basis: `Standard ${feeBasis}; default pool ${pool.basis}`,
  };
};

/** Connector instances always running: `min_instances`, or `min_throughput` / 100 (Google's mapping). */
export function connectorInstances(attrs: Attrs): number {
  const min = literalNumber(attrs.min_instances);
  if (min !== undefined) return min;
  const throughput = literalNumber(attrs.min_throughput);
  return throughput !== undefined ? Math.max(2, Math.round(throughput / 100)) : 2;
}

export const vpcAccessConnector: Pricer = ({ attrs }, ctx) => {
  const region = regionOf(attrs, ctx);
  const machineType = literalString(attrs.machine_type) ?? 'e2-micro';
  const instances = connectorInstances(attrs);
  const hourUsd = machineHourUsd(machineType, region);
  return {
    monthlyUsd: instances * hourUsd * HOURS_PER_MONTH,
    basis: `${instances} x ${machineType} (min instances) @ ${usd(hourUsd)}/h`,
  };
};

export const routerNat: Pricer = ({ attrs }, ctx) => {
  const region = regionOf(attrs, ctx);
  const nat = pricesFor(region).nat;
  const vms = Math.min(32, ctx.facts.vmsByRegion[region] ?? 0);
  const gatewayHour = Math.min(vms * nat.vmHourUsd, nat.maxGatewayHourUsd);
  const dataUsd = ctx.usage.natDataGiBPerMonth * nat.dataGibUsd;
  // MANUAL_ONLY uses the listed IPs; AUTO_ONLY allocates one per portsPerIp of the VMs' minimum ports.
  const listed = Array.isArray(attrs.nat_ips) ? attrs.nat_ips.length : 0;
  const portsPerVm = literalNumber(attrs.min_ports_per_vm) ?? 64;
  const allVms = ctx.facts.vmsByRegion[region] ?? 0;
  const ips = listed || Math.max(1, Math.ceil((allVms * portsPerVm) / nat.portsPerIp));
  return {
    monthlyUsd: (gatewayHour + ips * nat.ipHourUsd) * HOURS_PER_MONTH + dataUsd,
    basis: `${vms} VMs x ${usd(nat.vmHourUsd)}/h + ${ips} external IP x ${usd(nat.ipHourUsd)}/h + ${count(ctx.usage.natDataGiBPerMonth)} GiB processed x ${usd(nat.dataGibUsd)}`,
  };
};
