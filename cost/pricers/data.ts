import { PriceLookupError, pricesFor } from '../prices';
import { HOURS_PER_MONTH } from '../usage';
import { block, literalNumber, literalString, regionOf, requireString, usd } from './attrs';
import { Pricer } from './types';

/** vCPUs and memory (GB) of a Cloud SQL machine tier: db-n1-standard-N, db-n1-highmem-N, db-custom-N-MB. */
export function sqlTierShape(tier: string): { vcpus: number; memoryGb: number } | undefined {
  let match = /^db-n1-standard-(\d+)$/.exec(tier);
  if (match) return { vcpus: Number(match[1]), memoryGb: Number(match[1]) * 3.75 };
  match = /^db-n1-highmem-(\d+)$/.exec(tier);
  if (match) return { vcpus: Number(match[1]), memoryGb: Number(match[1]) * 6.5 };
  match = /^db-custom-(\d+)-(\d+)$/.exec(tier);
  if (match) return { vcpus: Number(match[1]), memoryGb: Number(match[2]) / 1024 };
  return undefined;
}

export const sqlDatabaseInstance: Pricer = ({ attrs }, ctx) => {
  const region = regionOf(attrs, ctx);
  const sql = pricesFor(region).cloudSql;
  const settings = block(attrs.settings);
  const tier = requireString(settings, 'tier', 'the machine tier');
  const edition = literalString(settings.edition) ?? 'ENTERPRISE';
  if (edition !== 'ENTERPRISE') {
    throw new PriceLookupError(
      `Cloud SQL edition "${edition}" has no price. Fix: add it to cloudSql in cost/prices.ts, or use edition ENTERPRISE`,
    );
  }
  const shape = sqlTierShape(tier);
  const computeHour =
    sql.sharedCoreHourUsd[tier] ??
    (shape ? shape.vcpus * sql.vcpuHourUsd + shape.memoryGb * sql.memoryGbHourUsd : undefined);
  if (computeHour === undefined) {
    throw new PriceLookupError(
      `Cloud SQL tier "${tier}" has no price. Fix: use db-n1-standard-N, db-n1-highmem-N, db-custom-<vcpus>-<MB> or a shared-core tier (${Object.keys(sql.sharedCoreHourUsd).join(', ')}), or add it to cloudSql in cost/prices.ts`,
    );
  }
  const ha = settings.availability_type === 'REGIONAL';
  const multiplier = ha ? sql.haMultiplier : 1;
  const diskGb = literalNumber(settings.disk_size) ?? 10;
  const ssd = (literalString(settings.disk_type) ?? 'PD_SSD') === 'PD_SSD';
  const storageUsd = diskGb * (ssd ? sql.ssdGbMonthUsd : sql.hddGbMonthUsd) * multiplier;
  // Backups are incremental: assume the retained set holds about one disk's worth of data.
  const backups = block(settings.backup_configuration).enabled === true;
  const backupUsd = backups ? diskGb * sql.backupGbMonthUsd : 0;
  const role = attrs.master_instance_name !== undefined ? 'replica, ' : '';
  return {
    monthlyUsd: computeHour * multiplier * HOURS_PER_MONTH + storageUsd + backupUsd,
    basis:
      `${role}${tier} @ ${usd(computeHour)}/h${ha ? ' x2 (REGIONAL HA)' : ''}, ${diskGb} GB ${ssd ? 'SSD' : 'HDD'}` +
      (backups ? `, ~${diskGb} GB backups` : ''),
  };
};

export const redisInstance: Pricer = ({ attrs }, ctx) => {
  const redis = pricesFor(regionOf(attrs, ctx)).memorystore;
  const tier = literalString(attrs.tier) ?? 'BASIC';
  if (tier !== 'BASIC' && tier !== 'STANDARD_HA') {
    throw new PriceLookupError(`Memorystore tier "${tier}" has no price. Fix: use BASIC or STANDARD_HA`);
  }
  const sizeGb = literalNumber(attrs.memory_size_gb) ?? 1;
  const band = redis[tier].find((b) => sizeGb <= b.maxGb)!;
  return {
    monthlyUsd: sizeGb * band.gbHourUsd * HOURS_PER_MONTH,
    basis: `${tier}, ${sizeGb} GB @ ${usd(band.gbHourUsd)}/GB-h`,
  };
};
