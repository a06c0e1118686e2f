import { pricesFor } from '../prices';
import { DAYS_PER_MONTH, HOURS_PER_MONTH, Usage } from '../usage';
import { addressOf, Pricer } from './types';
import { blocks, count, literalString, regionOf, usd } from './attrs';

/** Response data per month (GiB) of all requests, and of the frontend's (the cacheable) share. */
export function responseGiB(usage: Usage): { total: number; frontend: number } {
  const total = (usage.requestsPerDay * DAYS_PER_MONTH * usage.averageResponseKiB) / 2 ** 20;
  return { total, frontend: total * (1 - usage.backendRequestShare) };
}

export function servesHttps(portRange: unknown): boolean {
  const range = literalString(portRange);
  if (!range) return false;
  const [low, high = low] = range.split('-').map(Number);
  return low <= 443 && 443 <= high;
}

/**
 * The first five forwarding rules of a project cost one flat fee, shared here among them; each further rule has
 * its own. The HTTPS rule also carries the load balancer's data processing and the internet egress that the
 * CDN does not serve.
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
  const processedGiB = data.total * share;
  const egressGiB = (data.total - data.frontend * ctx.usage.cdnCacheHitRatio) * share;
  return {
    monthlyUsd: ruleUsd + processedGiB * lb.dataProcessedGibUsd + egressGiB * lb.internetEgressGibUsd,
    basis: `${ruleBasis}; ${count(processedGiB)} GiB processed x ${usd(lb.dataProcessedGibUsd)}, ${count(egressGiB)} GiB egress x ${usd(lb.internetEgressGibUsd)}`,
  };
};

/** Backend services cost nothing themselves; Cloud CDN on one bills lookups and cache egress. */
export const backendService: Pricer = ({ attrs }, ctx) => {
  if (attrs.enable_cdn !== true) return { monthlyUsd: 0, basis: 'no charge without Cloud CDN' };
  const cdn = pricesFor(regionOf(attrs, ctx)).cdn;
  const lookups = ctx.usage.requestsPerDay * DAYS_PER_MONTH * (1 - ctx.usage.backendRequestShare);
  const cachedGiB = responseGiB(ctx.usage).frontend * ctx.usage.cdnCacheHitRatio;
  return {
    monthlyUsd: (lookups / 1e4) * cdn.lookupsPer10kUsd + cachedGiB * cdn.cacheEgressGibUsd,
    basis: `Cloud CDN: ${count(lookups)} lookups x ${usd(cdn.lookupsPer10kUsd)}/10K, ${count(cachedGiB)} GiB cache egress x ${usd(cdn.cacheEgressGibUsd)}`,
  };
};

/** Cloud Armor Standard: per policy, per rule, per million requests evaluated (split among the policies). */
export const securityPolicy: Pricer = ({ attrs }, ctx) => {
  const armor = pricesFor(ctx.region).cloudArmor;
  const rules = blocks(attrs.rule).length;
  const requests = (ctx.usage.requestsPerDay * DAYS_PER_MONTH) / Math.max(1, ctx.facts.securityPolicies);
  return {
    monthlyUsd:
      armor.policyMonthUsd + rules * armor.ruleMonthUsd + (requests / 1e6) * armor.perMillionRequestsUsd,
    basis: `policy ${usd(armor.policyMonthUsd)} + ${rules} rules x ${usd(armor.ruleMonthUsd)} + ${count(requests)} req x ${usd(armor.perMillionRequestsUsd)}/M`,
  };
};
