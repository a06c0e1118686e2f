import { GPUS, GpuId, MACHINE_TYPES, PRICES_AS_OF as GPU_PRICES_AS_OF } from '../catalog/gpus';

/**
 * The dated price table: Google Cloud on-demand list prices in USD, no free tiers granted per billing account,
 * no sustained-use or committed-use discounts. GPUs and the machines that carry them are priced in the
 * GPU catalog (catalog/gpus.ts), the one source of GPU prices. Each product block names the pricing page it was copied from
 * and when. To refresh: open each `source.url`, update the figures and `asOf`, run `npm test` (the seed
 * cross-checks in __tests__/cost-prices.test.ts say when a change moves the seed's own figures).
 */

export interface PriceSource {
  /** Name of the Google Cloud pricing page. */
  readonly page: string;
  readonly url: string;
  /** Date the figures were read (YYYY-MM-DD): from the page, or from the dated public copy in `via`. */
  readonly asOf: string;
  /** A dated public transcription of the page the figures were checked against, when not the page itself. */
  readonly via?: string;
}

/** A volume-banded rate: GiB up to `upToGiB` (cumulative per month) cost `gibUsd` each. */
export interface VolumeBand {
  readonly upToGiB: number;
  readonly gibUsd: number;
}

/** Memorystore bills per GB-hour at a rate that falls with the instance's capacity band. */
export interface CapacityBand {
  /** Largest instance size (GB) billed at this rate. */
  readonly maxGb: number;
  readonly gbHourUsd: number;
}

export interface RegionPrices {
  readonly cloudRun: {
    readonly source: PriceSource;
    /** Request-based billing (CPU only during requests): active instance time. */
    readonly vcpuSecondUsd: number;
    readonly gibSecondUsd: number;
    /** Request-based billing: a min instance while it serves no request. */
    readonly idleVcpuSecondUsd: number;
    readonly idleGibSecondUsd: number;
    /** Instance-based billing (`cpu_idle = false`): all instance time, no request fee. */
    readonly instanceVcpuSecondUsd: number;
    readonly instanceGibSecondUsd: number;
    readonly perMillionRequestsUsd: number;
  };
  readonly cloudSql: {
    readonly source: PriceSource;
    /** Enterprise edition, dedicated core, zonal. REGIONAL (HA) doubles compute and storage. */
    readonly vcpuHourUsd: number;
    readonly memoryGbHourUsd: number;
    readonly sharedCoreHourUsd: Readonly<Record<string, number>>;
    readonly ssdGbMonthUsd: number;
    readonly hddGbMonthUsd: number;
    readonly backupGbMonthUsd: number;
    readonly haMultiplier: number;
  };
  readonly memorystore: {
    readonly source: PriceSource;
    readonly BASIC: readonly CapacityBand[];
    readonly STANDARD_HA: readonly CapacityBand[];
  };
  readonly gke: {
    readonly source: PriceSource;
    /** Cluster management fee, Standard and Autopilot alike. */
    readonly clusterHourUsd: number;
  };
  readonly compute: {
    readonly source: PriceSource;
    /** General-purpose machines, on demand. Machines that carry GPUs are priced in catalog/gpus.ts. */
    readonly machineHourUsd: Readonly<Record<string, number>>;
    /**
     * Spot VM prices move (at most once a month) and Google states no floor, only "up to 91 %" below on demand:
     * spot pools are shown as a range from `maxSpotDiscount` off to on-demand, and the total takes on-demand.
     */
    readonly maxSpotDiscount: number;
    readonly diskGbMonthUsd: Readonly<Record<string, number>>;
  };
  readonly nat: {
    readonly source: PriceSource;
    /** Per VM using the gateway, up to 32 VMs; the gateway then costs `maxGatewayHourUsd`. */
    readonly vmHourUsd: number;
    readonly maxGatewayHourUsd: number;
    readonly dataGibUsd: number;
    /** Each external IP the gateway uses (AUTO_ONLY allocates them as ports run out). */
    readonly ipHourUsd: number;
    /** Source ports one NAT IP offers (1024-65535). */
    readonly portsPerIp: number;
  };
  readonly loadBalancing: {
    readonly source: PriceSource;
    /** The first five forwarding rules (global: per project; regional: per region) cost this together. */
    readonly firstFiveRulesHourUsd: number;
    readonly extraRuleHourUsd: number;
    readonly dataProcessedGibUsd: number;
    /** Premium Tier internet egress to North America, by monthly volume. */
    readonly internetEgressBands: readonly VolumeBand[];
  };
  readonly cdn: {
    readonly source: PriceSource;
    readonly lookupsPer10kUsd: number;
    /** Cache egress to North America, by monthly volume. */
    readonly cacheEgressBands: readonly VolumeBand[];
    /** Origin to cache, within North America or Europe. */
    readonly cacheFillGibUsd: number;
  };
  readonly cloudArmor: {
    readonly source: PriceSource;
    readonly policyMonthUsd: number;
    readonly ruleMonthUsd: number;
    readonly perMillionRequestsUsd: number;
  };
  readonly kms: {
    readonly source: PriceSource;
    readonly softwareKeyVersionMonthUsd: number;
    readonly hsmKeyVersionMonthUsd: number;
    /** Cryptographic operations (CMEK services call them too); volume not estimated, listed in the report. */
    readonly operationsPer10kUsd: number;
  };
  readonly secretManager: {
    readonly source: PriceSource;
    /** Per active version per replica location. */
    readonly versionLocationMonthUsd: number;
    /** Access operations; volume not estimated, listed in the report. */
    readonly accessOperationsPer10kUsd: number;
  };
  readonly storage: {
    readonly source: PriceSource;
    /** Regional bucket, by storage class. */
    readonly regionalGibMonthUsd: Readonly<Record<string, number>>;
    /** Multi-region (US, EU, ASIA) bucket, by storage class. */
    readonly multiRegionGibMonthUsd: Readonly<Record<string, number>>;
  };
  readonly logging: {
    readonly source: PriceSource;
    readonly ingestionGibUsd: number;
    /** Free ingestion per project per month. */
    readonly freeGibPerProject: number;
    readonly retentionGibMonthUsd: number;
    /** Retention that costs nothing. */
    readonly freeRetentionDays: number;
  };
  readonly artifactRegistry: {
    readonly source: PriceSource;
    readonly gibMonthUsd: number;
    readonly freeGib: number;
  };
}

/**
 * The date the table was first written. Products still stamped with it were not read again since; the others
 * carry the date their figures were last read, and where that was a dated public copy of the page, `via` names it.
 */
const FIRST_WRITTEN = '2026-11-26';
const page = (name: string, url: string, asOf = FIRST_WRITTEN, via?: string): PriceSource => ({
  page: name,
  url,
  asOf,
  ...(via ? { via } : {}),
});
/** Transcriptions of Google's pricing pages, each figure found verbatim in the page text read on that date. */
const NETWORK_COPY =
  'https://raw.githubusercontent.com/api-evangelist/google-cloud-vpc/refs/heads/main/plans/google-cloud-vpc-plans-pricing.yml';
const LB_COPY =
  'https://raw.githubusercontent.com/api-evangelist/google-cloud-load-balancing/refs/heads/main/plans/google-cloud-load-balancing-plans-pricing.yml';
const CDN_COPY =
  'https://raw.githubusercontent.com/api-evangelist/google-cloud-cdn/refs/heads/main/plans/google-cloud-cdn-plans-pricing.yml';
const NAT_COPY = 'https://github.com/ChiefGyk3D/Clouds-Against-Humanity/wiki/Provider-GCP-Cost-Lesson';

/** us-central1 (Iowa). Every product here lists us-east1 (South Carolina) at the same rates. */
const US_CENTRAL1: RegionPrices = {
  cloudRun: {
    source: page('Cloud Run pricing, Tier 1 regions', 'https://cloud.google.com/run/pricing'),
    vcpuSecondUsd: 0.000024,
    gibSecondUsd: 0.0000025,
    idleVcpuSecondUsd: 0.0000025,
    idleGibSecondUsd: 0.0000025,
    instanceVcpuSecondUsd: 0.000018,
    instanceGibSecondUsd: 0.000002,
    perMillionRequestsUsd: 0.4,
  },
  cloudSql: {
    source: page('Cloud SQL for MySQL pricing, Enterprise edition', 'https://cloud.google.com/sql/pricing'),
    vcpuHourUsd: 0.0413,
    memoryGbHourUsd: 0.007,
    sharedCoreHourUsd: { 'db-f1-micro': 0.0105, 'db-g1-small': 0.035 },
    ssdGbMonthUsd: 0.17,
    hddGbMonthUsd: 0.09,
    backupGbMonthUsd: 0.08,
    haMultiplier: 2,
  },
  memorystore: {
    source: page('Memorystore for Redis pricing', 'https://cloud.google.com/memorystore/docs/redis/pricing'),
    BASIC: [
      { maxGb: 4, gbHourUsd: 0.049 },
      { maxGb: 10, gbHourUsd: 0.027 },
      { maxGb: 35, gbHourUsd: 0.023 },
      { maxGb: 100, gbHourUsd: 0.019 },
      { maxGb: Infinity, gbHourUsd: 0.016 },
    ],
    STANDARD_HA: [
      { maxGb: 4, gbHourUsd: 0.064 },
      { maxGb: 10, gbHourUsd: 0.054 },
      { maxGb: 35, gbHourUsd: 0.046 },
      { maxGb: 100, gbHourUsd: 0.035 },
      { maxGb: Infinity, gbHourUsd: 0.023 },
    ],
  },
  gke: {
    source: page(
      'Google Kubernetes Engine pricing, cluster management fee',
      'https://cloud.google.com/kubernetes-engine/pricing',
    ),
    clusterHourUsd: 0.1,
  },
  compute: {
    source: page(
      'Compute Engine VM instance pricing',
      'https://cloud.google.com/compute/vm-instance-pricing',
    ),
    machineHourUsd: {
      'e2-micro': 0.008376,
      'e2-small': 0.016751,
      'e2-medium': 0.033503,
      'e2-standard-2': 0.067006,
      'e2-standard-4': 0.134012,
      'e2-standard-8': 0.268024,
      'e2-standard-16': 0.536048,
      'f1-micro': 0.0076,
      'n1-standard-1': 0.0475,
      'n1-standard-2': 0.095,
      'n2-standard-2': 0.097118,
      'n2-standard-4': 0.194236,
      'n2-standard-8': 0.388472,
      'n2-standard-16': 0.776944,
    },
    maxSpotDiscount: 0.91,
    diskGbMonthUsd: { 'pd-standard': 0.04, 'pd-balanced': 0.1, 'pd-ssd': 0.17 },
  },
  nat: {
    source: page('Cloud NAT pricing', 'https://cloud.google.com/nat/pricing', '2026-10-16', NAT_COPY),
    vmHourUsd: 0.0014,
    maxGatewayHourUsd: 0.044,
    dataGibUsd: 0.045,
    ipHourUsd: 0.005,
    portsPerIp: 64512,
  },
  loadBalancing: {
    source: page(
      'Cloud Load Balancing pricing; VPC network pricing (Premium Tier internet egress)',
      'https://cloud.google.com/load-balancing/pricing',
      '2026-09-20',
      `${LB_COPY} ; ${NETWORK_COPY}`,
    ),
    firstFiveRulesHourUsd: 0.025,
    extraRuleHourUsd: 0.01,
    dataProcessedGibUsd: 0.008,
    // 0-1 TiB $0.12 is in the dated copy; the 1-10 TiB and 10+ TiB bands were not in it (page's usual values).
    internetEgressBands: [
      { upToGiB: 1024, gibUsd: 0.12 },
      { upToGiB: 10240, gibUsd: 0.11 },
      { upToGiB: Infinity, gibUsd: 0.08 },
    ],
  },
  cdn: {
    source: page('Cloud CDN pricing', 'https://cloud.google.com/cdn/pricing', '2026-09-20', CDN_COPY),
    lookupsPer10kUsd: 0.0075,
    // 0-10 TiB $0.08 is in the dated copy; the bands beyond were not in it (page's usual values).
    cacheEgressBands: [
      { upToGiB: 10240, gibUsd: 0.08 },
      { upToGiB: 153600, gibUsd: 0.055 },
      { upToGiB: Infinity, gibUsd: 0.03 },
    ],
    cacheFillGibUsd: 0.01,
  },
  cloudArmor: {
    source: page('Google Cloud Armor pricing, Standard tier', 'https://cloud.google.com/armor/pricing'),
    policyMonthUsd: 5,
    ruleMonthUsd: 1,
    perMillionRequestsUsd: 0.75,
  },
  kms: {
    source: page('Cloud Key Management Service pricing', 'https://cloud.google.com/kms/pricing'),
    softwareKeyVersionMonthUsd: 0.06,
    hsmKeyVersionMonthUsd: 1,
    operationsPer10kUsd: 0.03,
  },
  secretManager: {
    source: page('Secret Manager pricing', 'https://cloud.google.com/secret-manager/pricing'),
    versionLocationMonthUsd: 0.06,
    accessOperationsPer10kUsd: 0.03,
  },
  storage: {
    source: page('Cloud Storage pricing', 'https://cloud.google.com/storage/pricing'),
    regionalGibMonthUsd: { STANDARD: 0.02, NEARLINE: 0.01, COLDLINE: 0.004, ARCHIVE: 0.0012 },
    multiRegionGibMonthUsd: { STANDARD: 0.026, NEARLINE: 0.015, COLDLINE: 0.007, ARCHIVE: 0.0024 },
  },
  logging: {
    source: page(
      'Google Cloud Observability pricing, Cloud Logging',
      'https://cloud.google.com/stackdriver/pricing',
    ),
    ingestionGibUsd: 0.5,
    freeGibPerProject: 50,
    retentionGibMonthUsd: 0.01,
    freeRetentionDays: 30,
  },
  artifactRegistry: {
    source: page('Artifact Registry pricing', 'https://cloud.google.com/artifact-registry/pricing'),
    gibMonthUsd: 0.1,
    freeGib: 0.5,
  },
};

/** Price table per region: the primary region and the seed's DR region. */
export const PRICE_TABLE: Readonly<Record<string, RegionPrices>> = {
  'us-central1': US_CENTRAL1,
  'us-east1': US_CENTRAL1,
};

/** The oldest date behind any price used: the table's and the GPU catalog's. */
export function pricesAsOf(): string {
  const dates = Object.values(PRICE_TABLE).flatMap((region) =>
    Object.values(region).map((product: { source: PriceSource }) => product.source.asOf),
  );
  return [...dates, GPU_PRICES_AS_OF].sort()[0];
}

/** A price the table does not have; the message names what is missing and how to add it. */
export class PriceLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PriceLookupError';
  }
}

/** A region the table has no prices for: no estimate at all (`npm run cost` exits 3, which CI reports as a skip). */
export class UnpricedRegionError extends PriceLookupError {
  constructor(message: string) {
    super(message);
    this.name = 'UnpricedRegionError';
  }
}

/**
 * Stops a report whose regions the table lacks: one line naming the region, where it is set and the fix. Without
 * it every resource there would be "not priced" and the total and break-even would read $0.
 */
export function assertPriced(regions: Readonly<Record<string, string>>): void {
  for (const [region, where] of Object.entries(regions)) {
    if (!PRICE_TABLE[region]) {
      throw new UnpricedRegionError(
        `${where}: region "${region}" has no prices in cost/prices.ts (priced: ${Object.keys(PRICE_TABLE).join(', ')}), so no estimate is made. Fix: add its prices to PRICE_TABLE with each page and date, or estimate a priced region`,
      );
    }
  }
}

/** The cost of `gib` GiB in a month at volume-banded rates, each band charged for the GiB that fall in it. */
export function bandedUsd(gib: number, bands: readonly VolumeBand[]): number {
  let usd = 0;
  let from = 0;
  for (const band of bands) {
    if (gib <= from) break;
    usd += (Math.min(gib, band.upToGiB) - from) * band.gibUsd;
    from = band.upToGiB;
  }
  return usd;
}

export function pricesFor(region: string): RegionPrices {
  const prices = PRICE_TABLE[region];
  if (!prices) {
    throw new PriceLookupError(
      `No price table for region "${region}". Fix: add its prices to PRICE_TABLE in cost/prices.ts (priced: ${Object.keys(PRICE_TABLE).join(', ')})`,
    );
  }
  return prices;
}

/**
 * Hourly price of a machine without GPUs. Machines that carry GPUs come from the GPU catalog (the one source of
 * GPU prices, us-central1 list prices, applied to every priced region like the rest of this table).
 */
export function machineHourUsd(machineType: string, region: string): number {
  const price =
    MACHINE_TYPES[machineType]?.pricePerHourUsd ?? pricesFor(region).compute.machineHourUsd[machineType];
  if (price === undefined) {
    throw new PriceLookupError(
      `Machine type "${machineType}" has no price in ${region}. Fix: add it to compute.machineHourUsd in cost/prices.ts (GPU machines: catalog/gpus.ts), or use a priced machine type such as n1-standard-4`,
    );
  }
  return price;
}

/** Hourly price of one GPU by its Compute Engine accelerator type (`nvidia-tesla-t4`), from the GPU catalog. */
export function gpuHourUsd(acceleratorType: string, region: string): number {
  pricesFor(region);
  const gpu = Object.values(GPUS).find((g) => g.acceleratorType === acceleratorType);
  if (!gpu) {
    throw new PriceLookupError(
      `GPU type "${acceleratorType}" has no price. Fix: add it to catalog/gpus.ts, or use one of ${Object.values(
        GPUS,
      )
        .map((g) => g.acceleratorType)
        .join(', ')}`,
    );
  }
  return gpu.pricePerHourUsd;
}

/** The GPUs an accelerator-optimized machine (a2, a3, g2) comes with, when a node pool does not list them. */
export function bundledGpus(machineType: string): { acceleratorType: string; count: number }[] {
  if (!/^(a2|a3|g2)-/.test(machineType)) return [];
  return Object.entries(MACHINE_TYPES[machineType]?.gpus ?? {}).map(([id, counts]) => ({
    acceleratorType: GPUS[id as GpuId].acceleratorType,
    count: counts![0],
  }));
}

/** The seed's own figures (AFPI scaling architecture: "GPU Node Pool Configuration", "Cost Comparison"). */
export const SEED = {
  source: {
    page: 'AFPI scaling architecture (the seed): GPU Node Pool Configuration, Cost Comparison, Break-even Analysis',
    url: 'seed/000_afbfe2ad28df20bf.txt',
    asOf: 'seed',
  },
  /** Node-hour prices the seed quotes for its three GPU presets. */
  gpuNodes: {
    small: { machineType: 'n1-standard-4', gpuType: 'nvidia-tesla-t4', gpuCount: 1, hourUsd: 0.54 },
    medium: { machineType: 'n1-standard-8', gpuType: 'nvidia-tesla-v100', gpuCount: 1, hourUsd: 2.86 },
    large: { machineType: 'a2-highgpu-2g', gpuType: 'nvidia-tesla-a100', gpuCount: 2, hourUsd: 12.0 },
  },
  /** "LLM APIs (variable): $500, ~10K conversations". */
  llmApi: { monthlyUsd: 500, conversationsPerMonth: 10_000 },
  /** "Cloud Run + External LLM APIs (Current)", without the LLM API line. */
  cloudRunMonthlyUsd: [
    { component: 'Frontend (Cloud Run)', monthlyUsd: 50 },
    { component: 'Backend (Cloud Run)', monthlyUsd: 100 },
    { component: 'Cloud SQL (db-n1-standard-2, HA)', monthlyUsd: 200 },
    { component: 'Memorystore (1GB, Basic)', monthlyUsd: 50 },
  ],
  /** "GKE + Local LLMs (Phase 2)": what it adds to the same Cloud Run, SQL and Memorystore. */
  gkeMonthlyUsd: [
    { component: 'GKE Control Plane (Standard cluster)', monthlyUsd: 73 },
    { component: 'Standard Nodes (3x n1-standard-4)', monthlyUsd: 360 },
    { component: 'GPU Nodes (2x n1-standard-4 + T4)', monthlyUsd: 780 },
  ],
} as const;
