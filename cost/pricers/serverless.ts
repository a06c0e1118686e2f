import { pricesFor } from '../prices';
import { DAYS_PER_MONTH, SECONDS_PER_MONTH } from '../usage';
import { block, blocks, count, literalNumber, literalString, regionOf, usd } from './attrs';
import { Attrs, NotPriceable, PricingContext, Pricer, ServiceRole } from './types';

/** Kubernetes-style quantities: "2", "1000m" CPUs. */
export function parseCpu(value: unknown): number {
  const text = String(value ?? '1');
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
  if (!match) throw new NotPriceable(`CPU limit "${text}" is not a number of CPUs`);
  return Number(match[1]) / (match[2] ? 1000 : 1);
}

const MEMORY_UNITS: Record<string, number> = {
  Ki: 2 ** -20,
  Mi: 2 ** -10,
  Gi: 1,
  M: 1e6 / 2 ** 30,
  G: 1e9 / 2 ** 30,
};

/** Memory in GiB from "512Mi", "2Gi", "1G". */
export function parseMemoryGiB(value: unknown): number {
  const text = String(value ?? '512Mi');
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|M|G)$/.exec(text);
  if (!match) throw new NotPriceable(`memory limit "${text}" is not a size such as 512Mi or 2Gi`);
  return Number(match[1]) * MEMORY_UNITS[match[2]];
}

/** The backend (API) takes `backendRequestShare` of the requests, every other service the rest. */
export function serviceRole(attrs: Attrs, resourceName: string): ServiceRole {
  return /backend|api/i.test(literalString(attrs.name) ?? resourceName) ? 'backend' : 'frontend';
}

/** Requests a service serves per month: its role's share, split among that role's primary-region services. */
function monthlyRequests(
  attrs: Attrs,
  name: string,
  ctx: PricingContext,
): { requests: number; note: string } {
  const role = serviceRole(attrs, name);
  // The seed's DR region is a passive standby: it serves nothing until failover.
  if (regionOf(attrs, ctx) !== ctx.region) return { requests: 0, note: 'standby region, no traffic' };
  const roleShare = role === 'backend' ? ctx.usage.backendRequestShare : 1 - ctx.usage.backendRequestShare;
  const share = roleShare / Math.max(1, ctx.facts.primaryServices[role]);
  return {
    requests: ctx.usage.requestsPerDay * DAYS_PER_MONTH * share,
    note: `${role}, ${Math.round(share * 100)}% of requests`,
  };
}

/** Cloud Run adds instances to keep them near 60 % of their maximum concurrency. */
const CONCURRENCY_TARGET = 0.6;
/** Cloud Run's default maximum concurrency. */
const DEFAULT_CONCURRENCY = 80;

/**
 * Requests an active instance serves at once: `cost.requestsSharingAnInstance` when set, else the service's mean
 * concurrent requests (requests x duration / month), at least 1 and at most its scaling target.
 */
function requestsSharing(
  requests: number,
  concurrency: number | undefined,
  ctx: PricingContext,
): { requests: number; how: string } {
  const set = ctx.usage.requestsSharingAnInstance;
  if (set !== undefined) return { requests: set, how: `${set} at once (cost.requestsSharingAnInstance)` };
  const target = (concurrency ?? DEFAULT_CONCURRENCY) * CONCURRENCY_TARGET;
  const mean = (requests * ctx.usage.requestDurationSeconds) / SECONDS_PER_MONTH;
  const shared = Math.min(target, Math.max(1, mean));
  return {
    requests: shared,
    how: `${+shared.toFixed(1)} at once (mean concurrent, cap ${+target.toFixed(0)} = 60% of concurrency ${concurrency ?? DEFAULT_CONCURRENCY})`,
  };
}

export const cloudRunService: Pricer = ({ attrs, name }, ctx) => {
  const prices = pricesFor(regionOf(attrs, ctx)).cloudRun;
  const template = block(attrs.template);
  const containers = blocks(template.containers);
  if (containers.length === 0) throw new NotPriceable('the service has no containers');
  let cpu = 0;
  let memoryGiB = 0;
  for (const container of containers) {
    const limits = block(block(container.resources).limits);
    cpu += parseCpu(limits.cpu);
    memoryGiB += parseMemoryGiB(limits.memory);
  }
  // cpu_idle = false is instance-based billing (CPU always allocated).
  const instanceBased = containers.some((c) => block(c.resources).cpu_idle === false);
  const minInstances =
    literalNumber(block(template.scaling).min_instance_count) ??
    literalNumber(block(attrs.scaling).min_instance_count) ??
    0;
  const { requests, note } = monthlyRequests(attrs, name, ctx);
  const sharing = requestsSharing(requests, literalNumber(template.max_instance_request_concurrency), ctx);
  const activeSeconds = (requests * ctx.usage.requestDurationSeconds) / sharing.requests;
  const shape = `${cpu} vCPU/${+memoryGiB.toFixed(2)} GiB, min ${minInstances}; ${note}: ${count(requests)} req, ${sharing.how}`;
  if (instanceBased) {
    const seconds = Math.max(minInstances * SECONDS_PER_MONTH, activeSeconds);
    return {
      monthlyUsd: seconds * (cpu * prices.instanceVcpuSecondUsd + memoryGiB * prices.instanceGibSecondUsd),
      basis: `${shape}, instance-based billing, ${count(seconds)} instance-s`,
    };
  }
  const idleSeconds = Math.max(0, minInstances * SECONDS_PER_MONTH - activeSeconds);
  const monthlyUsd =
    activeSeconds * (cpu * prices.vcpuSecondUsd + memoryGiB * prices.gibSecondUsd) +
    idleSeconds * (cpu * prices.idleVcpuSecondUsd + memoryGiB * prices.idleGibSecondUsd) +
    (requests / 1e6) * prices.perMillionRequestsUsd;
  return {
    monthlyUsd,
    basis: `${shape}, ${count(activeSeconds)} active + ${count(idleSeconds)} idle instance-s, ${usd(prices.perMillionRequestsUsd)}/M req`,
  };
};
