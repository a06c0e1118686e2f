import { MACHINE_TYPES } from './gpus';
import { GpuShape } from './presets';

/**
 * What an engine pod may request on a GPU node: the node's allocatable resources (GKE's reservation rule) minus
 * the system DaemonSets and the GCS FUSE sidecar. One replica owns a node (all its GPUs).
 * Source of the reservation: https://cloud.google.com/kubernetes-engine/docs/concepts/plan-node-sizes
 * (catalog memory figures are GiB as Compute Engine sizes them).
 */

export interface CpuMemory {
  readonly cpu: number;
  readonly memoryGiB: number;
}

/** Requests of the GCS FUSE sidecar GKE injects (pod annotations); its limits are lifted, its defaults are 250m/256Mi. */
export const GCSFUSE_SIDECAR_REQUESTS = { cpu: 0.1, memoryGiB: 0.25, ephemeralStorageGiB: 1 } as const;

/**
 * Per-node system pods on a GKE GPU node (kube-proxy 100m, logging and metrics agents, GPU device plugin, CSI
 * node drivers, Managed Prometheus collector): an allowance, not a measurement.
 */
export const SYSTEM_DAEMONSETS: CpuMemory = { cpu: 0.5, memoryGiB: 1 };

/** Tiered reservation: `rate` of each slice of `amount`; slices are [size, rate], the last one open-ended. */
function tiered(amount: number, slices: readonly (readonly [number, number])[]): number {
  let rest = amount;
  let reserved = 0;
  for (const [size, rate] of slices) {
    const slice = Math.min(rest, size);
    reserved += slice * rate;
    rest -= slice;
  }
  return reserved;
}

/** Allocatable CPU and memory of a node of `machineType` after GKE's reservations and the eviction threshold. */
export function allocatable(machineType: string): CpuMemory {
  const machine = MACHINE_TYPES[machineType];
  if (!machine) throw new Error(`machine type ${machineType} is not in catalog/gpus.ts`);
  const cpuReserved = tiered(machine.vcpus, [
    [1, 0.06],
    [1, 0.01],
    [2, 0.005],
    [Infinity, 0.0025],
  ]);
  const memoryReserved = tiered(machine.memoryGb, [
    [4, 0.25],
    [4, 0.2],
    [8, 0.1],
    [112, 0.06],
    [Infinity, 0.02],
  ]);
  const evictionGiB = 100 / 1024;
  return { cpu: machine.vcpus - cpuReserved, memoryGiB: machine.memoryGb - memoryReserved - evictionGiB };
}

/**
 * CPU and memory requests of one engine replica, from the pool's machine type: 75 % of the vCPUs and 65 % of
 * the memory, leaving GKE's reservation, the node daemons and the GCS FUSE sidecar room (enginePodFitProblem
 * checks it). /dev/shm (memory-backed, inside the limit) grows with the GPU count for NCCL.
 */
export function enginePodSize(shape: GpuShape): { cpu: number; memoryGiB: number; shmGiB: number } {
  const machine = MACHINE_TYPES[shape.machineType];
  return {
    cpu: Math.max(1, Math.floor(machine.vcpus * 0.75)),
    memoryGiB: Math.floor(machine.memoryGb * 0.65),
    shmGiB: Math.min(8, 2 * shape.gpuCount),
  };
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Why an engine pod requesting `pod` (plus the sidecar and the system DaemonSets) does not fit a node of
 * `machineType`; undefined when it fits.
 */
export function enginePodFitProblem(machineType: string, pod: CpuMemory): string | undefined {
  const node = allocatable(machineType);
  const cpu = pod.cpu + GCSFUSE_SIDECAR_REQUESTS.cpu + SYSTEM_DAEMONSETS.cpu;
  const memory = pod.memoryGiB + GCSFUSE_SIDECAR_REQUESTS.memoryGiB + SYSTEM_DAEMONSETS.memoryGiB;
  const over = [
    ...(cpu > node.cpu
      ? [
          `CPU ${round2(cpu)} (engine ${pod.cpu} + GCS FUSE sidecar ${GCSFUSE_SIDECAR_REQUESTS.cpu} + system DaemonSets ${SYSTEM_DAEMONSETS.cpu}) > ${round2(node.cpu)} allocatable`,
        ]
      : []),
    ...(memory > node.memoryGiB
      ? [
          `memory ${round2(memory)} GiB (engine ${pod.memoryGiB} + sidecar ${GCSFUSE_SIDECAR_REQUESTS.memoryGiB} + system DaemonSets ${SYSTEM_DAEMONSETS.memoryGiB}) > ${round2(node.memoryGiB)} GiB allocatable`,
        ]
      : []),
  ];
  return over.length > 0 ? `an engine pod does not fit a ${machineType} node: ${over.join('; ')}` : undefined;
}

/**
 * Boot disk of a GPU node kept free of the GCS FUSE file cache: the OS, kubelet and logs (~15 GB), the engine
 * image unpacked (vllm-openai ~20 GB) and a spare; the kubelet's 10 % eviction threshold comes on top.
 */
export const NODE_DISK_HEADROOM_GB = 40;
const EVICTION_FREE_FRACTION = 0.1;

/** GCS FUSE file cache (GiB) an engine pod may use on a node with a `diskSizeGb` boot disk; 0: no room for one. */
export function gcsfuseFileCacheGiB(diskSizeGb: number): number {
  return Math.max(0, Math.floor(diskSizeGb * (1 - EVICTION_FREE_FRACTION) - NODE_DISK_HEADROOM_GB));
}

/** Disk of a model-sync pod besides the copies of the file in flight: Hub metadata, container logs. */
const MODEL_SYNC_DISK_HEADROOM_GIB = 2;

/**
 * Ephemeral storage (GiB) of a model-sync pod copying files of up to `maxFileGb`: the kubelet holds all the pod's
 * emptyDirs (the GCS FUSE sidecar's staging buffer included) to the sum of its containers' limits, and at peak the
 * pod holds two copies of a file: the download, and GCS FUSE's staged copy when it cannot stream the write.
 */
export function modelSyncEphemeralStorageGiB(maxFileGb: number): number {
  return Math.ceil((2 * maxFileGb * 1e9) / 2 ** 30) + MODEL_SYNC_DISK_HEADROOM_GIB;
}
