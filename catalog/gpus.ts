/**
 * GPU catalog: the NVIDIA GPUs GKE offers on Compute Engine, the machine types that carry them, the zones of
 * each supported region that offer them, and hourly list prices.
 *
 * Sources (the tables are data; re-check them when a region or a price matters):
 * - GPU models, memory and machine shapes: https://cloud.google.com/compute/docs/gpus (N1 vCPU limits per GPU
 *   count, G2/A2/A3 bundles) and https://cloud.google.com/compute/docs/accelerator-optimized-machines.
 * - Zones: https://cloud.google.com/compute/docs/gpus/gpu-regions-zones, as of PRICES_AS_OF. Zones change;
 *   confirm with `gcloud compute accelerator-types list --filter="zone~^<region>"` before a first deploy.
 * - Prices: https://cloud.google.com/compute/gpus-pricing and https://cloud.google.com/compute/vm-instance-pricing,
 *   us-central1, on-demand (no spot, no committed-use discount), USD, as of PRICES_AS_OF.
 */

/**
 * Node label and NoSchedule taint key GKE requires on a manually created node pool that serves a custom compute
 * class (https://cloud.google.com/kubernetes-engine/docs/concepts/about-custom-compute-classes); pods select the
 * class with it.
 */
export const COMPUTE_CLASS_KEY = 'cloud.google.com/compute-class';

/** Date the zone table and the hourly prices below were taken from the pages named above. */
export const PRICES_AS_OF = '2025-06-01';

export const GPU_IDS = ['t4', 'l4', 'v100', 'a100-40gb', 'a100-80gb', 'h100-80gb'] as const;
export type GpuId = (typeof GPU_IDS)[number];

export interface Gpu {
  readonly id: GpuId;
  /** Human name used in messages, e.g. "A100 40 GB". */
  readonly displayName: string;
  /** Memory of one GPU. */
  readonly memoryGb: number;
  /**
   * Compute Engine accelerator type: `guest_accelerator.type` of a node pool, and the value of the node label
   * `cloud.google.com/gke-accelerator` that pods select.
   */
  readonly acceleratorType: string;
  /** On-demand list price of one GPU for one hour (us-central1), excluding the machine it is attached to. */
  readonly pricePerHourUsd: number;
  /** Whether the GPU supports bfloat16 (Ampere and later); older GPUs serve fp16. */
  readonly bf16: boolean;
  /** CUDA compute capability (https://developer.nvidia.com/cuda-gpus): which engine builds run on it (catalog/engines.ts). */
  readonly computeCapability: number;
  /** Whether GKE Autopilot can provision it (V100 is Standard only). */
  readonly autopilot: boolean;
  /** Zones offering the GPU, per supported region (config/rules.ts KNOWN_REGIONS); absent region: none. */
  readonly zones: Readonly<Partial<Record<string, readonly string[]>>>;
}

/** Zone letters -> zone names, to keep the table readable. */
function z(region: string, letters: string): readonly string[] {
  return [...letters].map((letter) => `${region}-${letter}`);
}

export const GPUS: Readonly<Record<GpuId, Gpu>> = {
  t4: {
    id: 't4',
    displayName: 'T4',
    memoryGb: 16,
    acceleratorType: 'nvidia-tesla-t4',
    pricePerHourUsd: 0.35,
    bf16: false,
    computeCapability: 7.5,
    autopilot: true,
    zones: {
      'us-central1': z('us-central1', 'abcf'),
      'us-east1': z('us-east1', 'cd'),
      'us-east4': z('us-east4', 'abc'),
      'us-west1': z('us-west1', 'ab'),
      'us-west4': z('us-west4', 'ab'),
      'europe-west1': z('europe-west1', 'bcd'),
      'europe-west4': z('europe-west4', 'abc'),
      'asia-southeast1': z('asia-southeast1', 'abc'),
    },
  },
  l4: {
    id: 'l4',
    displayName: 'L4',
    memoryGb: 24,
    acceleratorType: 'nvidia-l4',
    pricePerHourUsd: 0.56,
    bf16: true,
    computeCapability: 8.9,
    autopilot: true,
    zones: {
      'us-central1': z('us-central1', 'abc'),
      'us-east1': z('us-east1', 'bcd'),
      'us-east4': z('us-east4', 'ac'),
      'us-west1': z('us-west1', 'abc'),
      'us-west4': z('us-west4', 'ac'),
      'europe-west1': z('europe-west1', 'bc'),
      'europe-west4': z('europe-west4', 'abc'),
      'asia-southeast1': z('asia-southeast1', 'abc'),
    },
  },
  v100: {
    id: 'v100',
    displayName: 'V100',
    memoryGb: 16,
    acceleratorType: 'nvidia-tesla-v100',
    pricePerHourUsd: 2.48,
    bf16: false,
    computeCapability: 7.0,
    autopilot: false,
    zones: {
      'us-central1': z('us-central1', 'abcf'),
      'us-east1': z('us-east1', 'c'),
      'us-west1': z('us-west1', 'ab'),
      'europe-west4': z('europe-west4', 'abc'),
    },
  },
  'a100-40gb': {
    id: 'a100-40gb',
    displayName: 'A100 40 GB',
    memoryGb: 40,
    acceleratorType: 'nvidia-tesla-a100',
    pricePerHourUsd: 2.93,
    bf16: true,
    computeCapability: 8.0,
    autopilot: true,
    zones: {
      'us-central1': z('us-central1', 'abcf'),
      'us-east1': z('us-east1', 'b'),
      'us-west1': z('us-west1', 'b'),
      'us-west4': z('us-west4', 'b'),
      'europe-west4': z('europe-west4', 'ab'),
      'asia-southeast1': z('asia-southeast1', 'bc'),
    },
  },
  'a100-80gb': {
    id: 'a100-80gb',
    displayName: 'A100 80 GB',
    memoryGb: 80,
    acceleratorType: 'nvidia-a100-80gb',
    pricePerHourUsd: 3.93,
    bf16: true,
    computeCapability: 8.0,
    autopilot: true,
    zones: {
      'us-central1': z('us-central1', 'ac'),
      'us-east4': z('us-east4', 'c'),
      'europe-west4': z('europe-west4', 'a'),
      'asia-southeast1': z('asia-southeast1', 'c'),
    },
  },
  'h100-80gb': {
    id: 'h100-80gb',
    displayName: 'H100 80 GB',
    memoryGb: 80,
    acceleratorType: 'nvidia-h100-80gb',
    // A3 is sold as a whole machine; this is its bundle price divided by its 8 GPUs (the machine itself is 0).
    pricePerHourUsd: 11.06,
    bf16: true,
    computeCapability: 9.0,
    autopilot: true,
    zones: {
      'us-central1': z('us-central1', 'ac'),
      'us-east4': z('us-east4', 'abc'),
      'europe-west4': z('europe-west4', 'bc'),
      'asia-southeast1': z('asia-southeast1', 'bc'),
    },
  },
};

export interface MachineType {
  readonly name: string;
  readonly vcpus: number;
  readonly memoryGb: number;
  /** GPU counts the machine type takes, per GPU it can carry. G2/A2/A3 bundle exactly one count. */
  readonly gpus: Readonly<Partial<Record<GpuId, readonly number[]>>>;
  /** On-demand list price of the machine for one hour (us-central1), excluding its GPUs. */
  readonly pricePerHourUsd: number;
  /**
   * Whether Compute Engine sells it as a flex-start (Dynamic Workload Scheduler) VM: the accelerator-optimized
   * series (A2, A3, G2), not N1 with attached T4/V100 (https://cloud.google.com/compute/docs/instances/flex-start-vms).
   */
  readonly flexStart: boolean;
}

// N1 takes T4 (1/2/4 GPUs up to 48/48/96 vCPUs) and V100 (1/2/4/8 GPUs up to 12/24/48/96 vCPUs).
function n1(vcpus: number, memoryGb: number, pricePerHourUsd: number): MachineType {
  const v100 = [1, 2, 4, 8].filter((count) => vcpus <= count * 12);
  return {
    name: `n1-standard-${vcpus}`,
    vcpus,
    memoryGb,
    gpus: { t4: [1, 2, 4], v100 },
    pricePerHourUsd,
    flexStart: false,
  };
}

function bundle(
  name: string,
  vcpus: number,
  memoryGb: number,
  gpu: GpuId,
  count: number,
  price: number,
): MachineType {
  return { name, vcpus, memoryGb, gpus: { [gpu]: [count] }, pricePerHourUsd: price, flexStart: true };
}

const MACHINE_LIST: readonly MachineType[] = [
  n1(4, 15, 0.19),
  n1(8, 30, 0.38),
  n1(16, 60, 0.76),
  n1(32, 120, 1.52),
  bundle('g2-standard-4', 4, 16, 'l4', 1, 0.15),
  bundle('g2-standard-8', 8, 32, 'l4', 1, 0.29),
  bundle('g2-standard-12', 12, 48, 'l4', 1, 0.44),
  bundle('g2-standard-16', 16, 64, 'l4', 1, 0.59),
  bundle('g2-standard-24', 24, 96, 'l4', 2, 0.88),
  bundle('g2-standard-32', 32, 128, 'l4', 1, 1.17),
  bundle('g2-standard-48', 48, 192, 'l4', 4, 1.76),
  bundle('g2-standard-96', 96, 384, 'l4', 8, 3.52),
  bundle('a2-highgpu-1g', 12, 85, 'a100-40gb', 1, 0.74),
  bundle('a2-highgpu-2g', 24, 170, 'a100-40gb', 2, 1.48),
  bundle('a2-highgpu-4g', 48, 340, 'a100-40gb', 4, 2.96),
  bundle('a2-highgpu-8g', 96, 680, 'a100-40gb', 8, 5.91),
  bundle('a2-ultragpu-1g', 12, 170, 'a100-80gb', 1, 1.1),
  bundle('a2-ultragpu-2g', 24, 340, 'a100-80gb', 2, 2.2),
  bundle('a2-ultragpu-4g', 48, 680, 'a100-80gb', 4, 4.4),
  bundle('a2-ultragpu-8g', 96, 1360, 'a100-80gb', 8, 8.8),
  bundle('a3-highgpu-8g', 208, 1872, 'h100-80gb', 8, 0),
];

export const MACHINE_TYPES: Readonly<Record<string, MachineType>> = Object.fromEntries(
  MACHINE_LIST.map((machine) => [machine.name, machine]),
);

/** GPU ids a machine type can carry (empty for an unknown machine type). */
export function gpusOf(machineType: string): GpuId[] {
  return Object.keys(MACHINE_TYPES[machineType]?.gpus ?? {}) as GpuId[];
}

/** Machine types that carry `gpu`, in catalog order (smallest first). */
export function machinesCarrying(gpu: GpuId): string[] {
  return MACHINE_LIST.filter((machine) => machine.gpus[gpu]).map((machine) => machine.name);
}

/** GPU counts `machineType` takes with `gpu` (empty when it cannot carry it). */
export function countsFor(machineType: string, gpu: GpuId): readonly number[] {
  return MACHINE_TYPES[machineType]?.gpus[gpu] ?? [];
}

/** Zones of `region` offering `gpu` (empty when none does). */
export function zonesOffering(gpu: GpuId, region: string): readonly string[] {
  return GPUS[gpu].zones[region] ?? [];
}

/** Regions (of the catalog) with at least one zone offering `gpu`. */
export function regionsOffering(gpu: GpuId): string[] {
  return Object.keys(GPUS[gpu].zones);
}

/** Every (machine type, GPU, count) the catalog knows, cheapest per hour first. */
export function allShapes(): {
  machineType: string;
  gpu: GpuId;
  gpuCount: number;
  pricePerHourUsd: number;
}[] {
  return MACHINE_LIST.flatMap((machine) =>
    (Object.entries(machine.gpus) as [GpuId, number[]][]).flatMap(([gpu, counts]) =>
      counts.map((gpuCount) => ({
        machineType: machine.name,
        gpu,
        gpuCount,
        pricePerHourUsd: machine.pricePerHourUsd + gpuCount * GPUS[gpu].pricePerHourUsd,
      })),
    ),
  ).sort((a, b) => a.pricePerHourUsd - b.pricePerHourUsd);
}
