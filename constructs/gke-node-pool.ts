import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { COMPUTE_CLASS_KEY } from '../catalog/gpus';
import { GKE_NODE_TAG } from './firewall-rules';

/** Taint every GPU node carries so only pods that tolerate it (and request GPUs) land there. */
export const GPU_TAINT = { key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' } as const;

/** Node label GKE sets to the accelerator type; pods select GPU nodes with it. */
export const ACCELERATOR_LABEL_KEY = 'cloud.google.com/gke-accelerator';

/** Node label GKE sets to the pool name; pods pin a pool with it. */
export const NODE_POOL_LABEL_KEY = 'cloud.google.com/gke-nodepool';

export interface GkeNodePoolAccelerator {
  /** Compute Engine accelerator type, e.g. `nvidia-tesla-t4`. */
  readonly type: string;
  /** GPUs per node. */
  readonly count: number;
  /** GKE-installed driver: DEFAULT (the version's default) or LATEST. @default "DEFAULT" */
  readonly driverVersion?: 'DEFAULT' | 'LATEST';
}

export interface GkeNodePoolProps {
  /** Cluster id (`projects/<p>/locations/<l>/clusters/<name>`). */
  readonly cluster: string;
  /** Cluster location (region). */
  readonly location: string;
  readonly name: string;
  readonly machineType: string;
  /** Nodes across all the pool's zones. */
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly diskSizeGb: number;
  readonly spot: boolean;
  /** Flex-start VMs (Dynamic Workload Scheduler): start empty, consume no reservation. @default false */
  readonly flexStart?: boolean;
  /** Compute Engine reservation the nodes consume (name, or `projects/<p>/reservations/<name>`). @default none */
  readonly reservation?: string;
  /** Custom compute class the pool serves: adds its label and NoSchedule taint. @default none */
  readonly computeClass?: string;
  /**
   * Disk image preloaded with container images, attached as a secondary boot disk in CONTAINER_IMAGE_CACHE mode
   * (needs image streaming, which every pool has on). @default none
   */
  readonly imageCacheDiskImage?: string;
  /** Email of the nodes' service account. */
  readonly serviceAccount: string;
  /** Zones for the nodes. @default the cluster's zones */
  readonly zones?: readonly string[];
  /** GPUs: adds the accelerator, driver installation, the nvidia.com/gpu taint and label. @default none */
  readonly accelerator?: GkeNodePoolAccelerator;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Standard-mode node pool: dedicated node service account, GKE metadata server, shielded instances,
 * auto-repair and auto-upgrade, surge upgrades (in place for GPU pools), image streaming, gVNIC, autoscaling on
 * total node counts; GPU pools add the accelerator with driver auto-install, the `nvidia.com/gpu=present:NoSchedule` taint and a
 * matching label; a pool serving a compute class carries its label and taint.
 */
export class GkeNodePool extends Construct {
  readonly pool: ContainerNodePool;

  constructor(scope: Construct, id: string, props: GkeNodePoolProps) {
    super(scope, id);
    const gpu = props.accelerator;
    const zoneCount = props.zones?.length ?? 3;
    this.pool = new ContainerNodePool(this, 'pool', {
      cluster: props.cluster,
      location: props.location,
      name: props.name,
      nodeLocations: props.zones ? [...props.zones] : undefined,
      // Per zone, only at creation. GPU pools never start above their minimum (one per zone would be 4 GPU nodes
      // in a 4-zone region): a pending engine pod brings up the first node. CPU pools round up, so the system
      // pods have somewhere to run before the autoscaler acts.
      initialNodeCount: (gpu ? Math.floor : Math.ceil)(props.minNodes / zoneCount),
      autoscaling: {
        totalMinNodeCount: props.minNodes,
        totalMaxNodeCount: props.maxNodes,
        // Scarce GPUs: take whichever zone has capacity; CPU nodes spread evenly across zones.
        locationPolicy: gpu ? 'ANY' : 'BALANCED',
      },
      management: { autoRepair: true, autoUpgrade: true },
      // Surge needs a spare node per upgrade, which scarce GPUs often cannot give: GPU pools upgrade in place, one
      // node at a time (its replicas move or wait for it; engine PDBs allow one replica down).
      upgradeSettings: gpu
        ? { strategy: 'SURGE', maxSurge: 0, maxUnavailable: 1 }
        : { strategy: 'SURGE', maxSurge: 1, maxUnavailable: 0 },
      nodeConfig: {
        machineType: props.machineType,
        diskSizeGb: props.diskSizeGb,
        diskType: 'pd-balanced',
        imageType: 'COS_CONTAINERD',
        serviceAccount: props.serviceAccount,
        oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
        workloadMetadataConfig: { mode: 'GKE_METADATA' },
        shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
        gcfsConfig: { enabled: true },
        gvnic: { enabled: true },
        spot: props.spot,
        flexStart: props.flexStart,
        ...reservationAffinity(props),
        secondaryBootDisks: props.imageCacheDiskImage
          ? [{ diskImage: props.imageCacheDiskImage, mode: 'CONTAINER_IMAGE_CACHE' }]
          : undefined,
        metadata: { 'disable-legacy-endpoints': 'true' },
        // The serverless-to-inference firewall rule targets this tag.
        tags: [GKE_NODE_TAG],
        ...(gpu
          ? {
              guestAccelerator: [
                {
                  type: gpu.type,
                  count: gpu.count,
                  gpuDriverInstallationConfig: { gpuDriverVersion: gpu.driverVersion ?? 'DEFAULT' },
                },
              ],
              taint: [
                { ...GPU_TAINT },
                ...(props.computeClass
                  ? [{ key: COMPUTE_CLASS_KEY, value: props.computeClass, effect: 'NO_SCHEDULE' }]
                  : []),
              ],
              labels: {
                [GPU_TAINT.key]: GPU_TAINT.value,
                ...(props.computeClass ? { [COMPUTE_CLASS_KEY]: props.computeClass } : {}),
              },
            }
          : {}),
      },
      // initial_node_count forces a new pool; a later change of minNodes must only resize.
      lifecycle: { ignoreChanges: ['initial_node_count'] },
      dependsOn: props.dependsOn,
    });
  }

  get name(): string {
    return this.pool.name;
  }
}

/** A named reservation, or none at all for flex-start (its VMs never come from a reservation). */
function reservationAffinity(props: GkeNodePoolProps) {
  if (props.reservation) {
    return {
      reservationAffinity: {
        consumeReservationType: 'SPECIFIC_RESERVATION',
        key: 'compute.googleapis.com/reservation-name',
        values: [props.reservation],
      },
    };
  }
  return props.flexStart ? { reservationAffinity: { consumeReservationType: 'NO_RESERVATION' } } : {};
}
