import { pricesFor } from '../prices';
import { DAYS_PER_MONTH } from '../usage';
import { block, blocks, count, literalString, regionOf, usd } from './attrs';
import { NotPriceable, Pricer } from './types';

const DAYS_PER_YEAR = 365;

/** Rotation adds a key version that stays enabled (old data needs it): count the versions after a year. */
export const kmsCryptoKey: Pricer = ({ attrs }, ctx) => {
  const kms = pricesFor(regionOf(attrs, ctx)).kms;
  const hsm = literalString(block(attrs.version_template).protection_level) === 'HSM';
  const rotationSeconds = /^(\d+(?:\.\d+)?)s$/.exec(literalString(attrs.rotation_period) ?? '');
  const rotationDays = rotationSeconds ? Number(rotationSeconds[1]) / 86400 : undefined;
  const versions = rotationDays ? 1 + Math.floor(DAYS_PER_YEAR / rotationDays) : 1;
  const rate = hsm ? kms.hsmKeyVersionMonthUsd : kms.softwareKeyVersionMonthUsd;
  return {
    monthlyUsd: versions * rate,
    basis: `${versions} ${hsm ? 'HSM' : 'software'} key versions x ${usd(rate)}${rotationDays ? ` (after a year of ${Math.round(rotationDays)}-day rotation)` : ''}`,
  };
};

/** Values are added out of band: one active version per secret, billed per replica location. */
export const secretManagerSecret: Pricer = ({ attrs }, ctx) => {
  const rate = pricesFor(ctx.region).secretManager.versionLocationMonthUsd;
  const replication = block(attrs.replication);
  const replicas = blocks(block(replication.user_managed).replicas).length || 1;
  return { monthlyUsd: replicas * rate, basis: `1 version x ${replicas} location(s) x ${usd(rate)}` };
};

const MULTI_REGIONS = ['US', 'EU', 'ASIA'];

/** Terraform state is kilobytes per stack; with its noncurrent versions, well under this. */
const STATE_BUCKET_GIB = 1;

export const storageBucket: Pricer = ({ attrs, stack }, ctx) => {
  const storage = pricesFor(ctx.region).storage;
  const location = (literalString(attrs.location) ?? ctx.region).toUpperCase();
  const storageClass = literalString(attrs.storage_class) ?? 'STANDARD';
  const multiRegion = MULTI_REGIONS.includes(location);
  const rate = (multiRegion ? storage.multiRegionGibMonthUsd : storage.regionalGibMonthUsd)[storageClass];
  if (rate === undefined) throw new NotPriceable(`storage class "${storageClass}" is not in the price table`);
  const gib = stack === 'state' ? STATE_BUCKET_GIB : ctx.usage.storageGiBPerBucket;
  return {
    monthlyUsd: gib * rate,
    basis: `${gib} GiB (${stack === 'state' ? 'Terraform state' : 'cost.storageGiBPerBucket'}) ${storageClass} ${multiRegion ? 'multi-region' : 'regional'} x ${usd(rate)}`,
  };
};

/**
 * The `_Default` log bucket carries the project's log bill: ingestion beyond the free allotment, and retention
 * beyond the free days. What other buckets receive depends on their sinks, which the usage does not split.
 */
export const loggingBucketConfig: Pricer = ({ attrs }, ctx) => {
  const logging = pricesFor(ctx.region).logging;
  if (literalString(attrs.bucket_id) !== '_Default') {
    throw new NotPriceable('the log volume routed to a bucket other than _Default is not estimated');
  }
  const retentionDays =
    typeof attrs.retention_days === 'number' ? attrs.retention_days : logging.freeRetentionDays;
  // Every request writes a Cloud Run request log entry, and one for the load balancer at its sample rate.
  const entriesPerRequest = 1 + ctx.facts.lbLogSampleRate;
  const requestLogsGiB =
    (ctx.usage.requestsPerDay * DAYS_PER_MONTH * entriesPerRequest * ctx.usage.requestLogKiB) / 2 ** 20;
  const logs = ctx.usage.logsGiBPerMonth + requestLogsGiB;
  const ingestedGiB = Math.max(0, logs - logging.freeGibPerProject);
  const retainedGiB = (logs * Math.max(0, retentionDays - logging.freeRetentionDays)) / DAYS_PER_MONTH;
  return {
    monthlyUsd: ingestedGiB * logging.ingestionGibUsd + retainedGiB * logging.retentionGibMonthUsd,
    basis: `${count(logs)} GiB/month (${count(requestLogsGiB)} request logs, ${entriesPerRequest} entries x ${ctx.usage.requestLogKiB} KiB per request, + ${count(ctx.usage.logsGiBPerMonth)} cost.logsGiBPerMonth), ${logging.freeGibPerProject} free, x ${usd(logging.ingestionGibUsd)}; ${count(retainedGiB)} GiB kept beyond ${logging.freeRetentionDays} days x ${usd(logging.retentionGibMonthUsd)}`,
  };
};

export const artifactRegistryRepository: Pricer = (_resource, ctx) => {
  const registry = pricesFor(ctx.region).artifactRegistry;
  const gib = ctx.usage.containerImagesGiB;
  return {
    monthlyUsd: Math.max(0, gib - registry.freeGib) * registry.gibMonthUsd,
    basis: `${gib} GiB images (cost.containerImagesGiB), ${registry.freeGib} free, x ${usd(registry.gibMonthUsd)}`,
  };
};
