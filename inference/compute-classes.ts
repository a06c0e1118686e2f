/**
 * Values of charts/compute-classes: one GKE custom compute class per GPU pool, its priorities the pool's capacity
 * options in order. Pure functions of config, like inference/values.ts.
 *
 * Standard clusters: each option is a node pool of the gke-gpu stack (the first is the pool itself, the others
 * start empty), referenced by `nodepools`, and GKE may create no other pool for the class. We do not turn on node
 * auto-provisioning (node pool auto-creation) for this: the cluster has none, it would need cluster-wide CPU,
 * memory and GPU limits, and auto-created pools take their settings from defaults instead of the hardened node
 * pool construct (service account, secure boot, image streaming, image cache disk, network tag) that the policy
 * pack and the cost report read from the plan. Autopilot creates the nodes itself: each option is a machine
 * type, GPU and provisioning model.
 */
import * as path from 'path';
import { GPUS } from '../catalog/gpus';
import { repoRoot } from '../config/paths';
import { GpuPool } from '../config/sections/gke';
import { CapacityOption } from '../config/sections/gpu-capacity';

export const COMPUTE_CLASSES_CHART_DIR = path.join(repoRoot, 'charts', 'compute-classes');
export const COMPUTE_CLASSES_RELEASE = 'compute-classes';

type Values = Record<string, unknown>;

/** One ComputeClass priority rule for `option` (field names: GKE ComputeClass CRD reference). */
export function priorityOf(option: CapacityOption, autopilot: boolean): Values {
  if (!autopilot) return { nodepools: [option.nodePoolName] };
  const { config } = option;
  return {
    machineType: option.machineType,
    gpu: { type: GPUS[option.gpu].acceleratorType, count: option.gpuCount, driverVersion: 'latest' },
    ...(option.provisioning === 'flex-start'
      ? { flexStart: { enabled: true } }
      : { spot: option.provisioning === 'spot' }),
    ...(config.reservation
      ? {
          reservations: {
            affinity: 'Specific',
            specific: [
              {
                name: config.reservation,
                ...(config.reservationProject ? { project: config.reservationProject } : {}),
              },
            ],
          },
        }
      : {}),
  };
}

/** "on-demand g2-standard-8 -> spot g2-standard-8": the class's fallback order, for `kubectl get computeclass`. */
function describeCapacity(pool: GpuPool): string {
  const order = pool.capacity.map((o) => `${o.provisioning} ${o.machineType}`).join(' -> ');
  return `GPU pool ${pool.name}: ${order}`;
}

/** Values for charts/compute-classes: a class per GPU pool, named after it. */
export function computeClassValues(pools: readonly GpuPool[], autopilot: boolean): Values {
  return {
    classes: pools.map((pool) => ({
      name: pool.name,
      description: describeCapacity(pool),
      priorities: pool.capacity.map((option) => priorityOf(option, autopilot)),
      nodePoolAutoCreation: autopilot,
      // Nothing outside the list: a pod waits (and the Pending alert fires) rather than landing on a shape the
      // fit rule never checked.
      whenUnsatisfiable: 'DoNotScaleUp',
      // Back to the first choice when its capacity returns (spot and dearer fallbacks are drained one
      // PDB-bounded eviction at a time).
      optimizeRulePriority: true,
    })),
  };
}
