import { bandedUsd, pricesFor } from '../prices';
import { DAYS_PER_MONTH, HOURS_PER_MONTH, Usage } from '../usage';
import { addressOf, Attrs, Pricer } from './types';
import { block, blocks, count, literalString, regionOf, usd } from './attrs';

/** Response data per month (GiB): all requests, the frontend's (cacheable) share, and what Cloud CDN serves. */
export function responseGiB(usage: Usage): { total: number; frontend: number; cached: number } {
  const total = (usage.requestsPerDay * DAYS_PER_MONTH * usage.averageResponseKiB) / 2 ** 20;
  const frontend = total * (1 - usage.backendRequestShare);
  return { total, frontend, cached: frontend * usage.cdnCacheHitRatio };
}

/** Requests per month: all of them, and the frontend requests Cloud CDN answers from cache. */
export function monthlyRequests(usage: Usage): { total: number; cacheHits: number } {
  const total = usage.requestsPerDay * DAYS_PER_MONTH;
  return { total, cacheHits: total * (1 - usage.backendRequestShare) * usage.cdnCacheHitRatio };
}

export function servesHttps(portRange: unknown): boolean {
  const range = literalString(portRange);
  if (!range) return false;
  const [low, high = low] = range.split('-').map(Number);
  return low <= 443 && 443 <= high;
}

/**
 * The first five forwarding rules of a project cost one flat fee, shared here among them; each further rule has
 * its own. The HTTPS rule also carries the load balancer's data processing and internet egress of the responses
 * Cloud CDN does not serve (cache hits are billed as CDN cache egress, on the backend service).
 */
export const globalForwardingRule: Pricer = (resource, ctx) => {
  const lb = pricesFor(ctx.region).loadBalancing;
  const rules = ctx.facts.globalForwardingRules;
  const index = rules.indexOf(addressOf(resource));
  const blockSize = Math.min(5, rules.length);
  const ruleHour = index < 5 ? lb.firstFiveRulesHourUsd / blockSize : lb.extraRuleHourUsd;
  const ruleUsd = ruleHour * HOURS_PER_MONTH;
  const ruleBasis =
    index < 5
      ? `1 of ${blockSize} rules sharing ${usd(lb.firstFiveRulesHourUsd)}/h`
      : `${usd(lb.extraRuleHourUsd)}/h`;
  if (!servesHttps(resource.attrs.port_range)) return { monthlyUsd: ruleUsd, basis: ruleBasis };
  const data = responseGiB(ctx.usage);
  const share = 1 / Math.max(1, ctx.facts.httpsForwardingRules);
  const fromOriginGiB = (data.total - data.cached) * share;
  const egressUsd = bandedUsd(fromOriginGiB, lb.internetEgressBands);
  return {
    monthlyUsd: ruleUsd + fromOriginGiB * lb.dataProcessedGibUsd + egressUsd,
    basis: `${ruleBasis}; ${count(fromOriginGiB)} GiB not from cache: processed x ${usd(lb.dataProcessedGibUsd)}, internet egress ${usd(egressUsd)} (Premium Tier bands from ${usd(lb.internetEgressBands[0].gibUsd)}/GiB)`,
  };
};

/** Backend services cost nothing themselves; Cloud CDN on one bills lookups, cache egress and cache fill. */
export const backendService: Pricer = ({ attrs }, ctx) => {
  if (attrs.enable_cdn !== true) return { monthlyUsd: 0, basis: 'no charge without Cloud CDN' };
  const cdn = pricesFor(regionOf(attrs, ctx)).cdn;
  const lookups = ctx.usage.requestsPerDay * DAYS_PER_MONTH * (1 - ctx.usage.backendRequestShare);
  const data = responseGiB(ctx.usage);
  const fillGiB = data.frontend - data.cached;
  const egressUsd = bandedUsd(data.cached, cdn.cacheEgressBands);
  return {
    monthlyUsd: (lookups / 1e4) * cdn.lookupsPer10kUsd + egressUsd + fillGiB * cdn.cacheFillGibUsd,
    basis: `Cloud CDN: ${count(lookups)} lookups x ${usd(cdn.lookupsPer10kUsd)}/10K, ${count(data.cached)} GiB cache egress ${usd(egressUsd)}, ${count(fillGiB)} GiB cache fill x ${usd(cdn.cacheFillGibUsd)}`,
  };
};

function adaptiveProtection(attrs: Attrs): boolean {
  return block(block(attrs.adaptive_protection_config).layer_7_ddos_defense_config).enable === true;
}

/**
 * Cloud Armor Standard: per policy, per rule, per million requests evaluated (split among the policies). A
 * backend policy (type CLOUD_ARMOR) is not evaluated for Cloud CDN cache hits; an edge policy is.
 */
export const securityPolicy: Pricer = ({ attrs }, ctx) => {
  const armor = pricesFor(ctx.region).cloudArmor;
  const rules = blocks(attrs.rule).length;
  const edge = literalString(attrs.type) === 'CLOUD_ARMOR_EDGE';
  const { total, cacheHits } = monthlyRequests(ctx.usage);
  const requests = (edge ? total : total - cacheHits) / Math.max(1, ctx.facts.securityPolicies);
  const adaptive = adaptiveProtection(attrs)
    ? '; Adaptive Protection on Standard: basic alerts only (full alerts and suggested rules need Cloud Armor Enterprise, not priced)'
    : '';
  return {
    monthlyUsd:
      armor.policyMonthUsd + rules * armor.ruleMonthUsd + (requests / 1e6) * armor.perMillionRequestsUsd,
    basis: `policy ${usd(armor.policyMonthUsd)} + ${rules} rules x ${usd(armor.ruleMonthUsd)} + ${count(requests)} req${edge ? '' : ' (cache hits skip backend policies)'} x ${usd(armor.perMillionRequestsUsd)}/M${adaptive}`,
  };
};

/** Services of type LoadBalancer in a Helm release's values: GKE creates a regional forwarding rule for each. */
export function serviceLoadBalancers(attrs: Attrs): number {
  const values = Array.isArray(attrs.values) ? attrs.values.join('\n') : String(attrs.values ?? '');
  return (values.match(/^\s*type:\s*LoadBalancer\s*$/gm) ?? []).length;
}

/**
 * A Helm release's pods run on priced nodes; its Services of type LoadBalancer add internal forwarding rules,
 * whose regional first-five fee they share. Data processed by those load balancers is not estimated.
 */
export const helmRelease: Pricer = ({ attrs }, ctx) => {
  const services = serviceLoadBalancers(attrs);
  if (services === 0) return { monthlyUsd: 0, basis: 'runs on the GKE nodes priced in gke-gpu' };
  const lb = pricesFor(ctx.region).loadBalancing;
  const inRegion = Math.max(services, ctx.facts.serviceLoadBalancersByRegion[ctx.region] ?? 0);
  const regionHour = lb.firstFiveRulesHourUsd + Math.max(0, inRegion - 5) * lb.extraRuleHourUsd;
  const hourUsd = (regionHour * services) / inRegion;
  return {
    monthlyUsd: hourUsd * HOURS_PER_MONTH,
    basis: `pods on the gke-gpu nodes; ${services} internal load balancer forwarding rule${services > 1 ? 's' : ''} (Service type LoadBalancer), ${inRegion} in ${ctx.region} sharing ${usd(lb.firstFiveRulesHourUsd)}/h for the first five; data processed not estimated`,
  };
};
