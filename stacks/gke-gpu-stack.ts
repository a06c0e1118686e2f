import { Annotations, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { ciMember } from '../catalog/ci-roles';
import { GPUS, GpuId, zonesOffering } from '../catalog/gpus';
import { EnvironmentConfig } from '../config/schema';
import { gkeNotes, gpuPoolsOf, GpuPool, IMAGE_CACHE_OFF } from '../config/sections/gke';
import { GkeCluster } from '../constructs/gke-cluster';
import { CUSTOM_METRICS_ADAPTER_PORT } from '../constructs/custom-metrics-adapter';
import { GkeNodePool } from '../constructs/gke-node-pool';
import { NodeServiceAccount } from '../constructs/node-service-account';
import { ProjectServices } from '../constructs/project-services';
import { AfpiStack, AfpiStackProps } from './afpi-stack';
import { DataStack } from './data-stack';
import { NetworkStack } from './network-stack';

/** Cluster name of an environment; the inference stack finds the cluster by this name and the region. */
export function gkeClusterName(config: Pick<EnvironmentConfig, 'env'>): string {
  return `afpi-${config.env}`;
}

/** A GPU pool as workloads see it: how to select its nodes and what each node has. */
export interface GpuPoolInfo extends GpuPool {
  readonly gpu: GpuId;
  /** Value of the node label `cloud.google.com/gke-accelerator` (the accelerator type). */
  readonly acceleratorLabel: string;
  /** GPUs per node: the most one replica can request, and its tensor-parallel size. */
  readonly gpusPerNode: number;
  /** Zones of the region that offer the GPU (the pool's node locations). */
  readonly zones: readonly string[];
  /** The node pool (Standard mode only; Autopilot provisions nodes from the pod's compute class). */
  readonly nodePool?: GkeNodePool;
  /** Pools of the later capacity options, in order, starting empty (Standard mode only). */
  readonly fallbackPools: readonly GkeNodePool[];
}

export interface GkeGpuStackProps extends AfpiStackProps {
  readonly network: NetworkStack;
  readonly data: DataStack;
}

/**
 * The GKE cluster (seed Phase 2 "GKE + GPU"): hardened regional cluster, Standard with a CPU pool and GPU
 * pools from the catalog, or Autopilot; a dedicated node service account.
 */
export class GkeGpuStack extends AfpiStack {
  readonly apis: ProjectServices;
  readonly nodeServiceAccount: NodeServiceAccount;
  readonly cluster: GkeCluster;
  /** Cluster name and region (also derivable from config: `gkeClusterName(config)`, `config.region`). */
  readonly clusterName: string;
  readonly clusterLocation: string;
  readonly mode: 'standard' | 'autopilot';
  /** The CPU pool (Standard mode). */
  readonly cpuPool?: GkeNodePool;
  /** GPU pools, in config order (none in growth). */
  readonly gpuPools: readonly GpuPoolInfo[];

  constructor(scope: Construct, props: GkeGpuStackProps) {
    super(scope, 'gke-gpu', props);
    const { config, network, data } = props;
    const gke = config.gke;
    if (!gke)
      throw new Error(`gke-gpu stack needs the gke section (config validation should have required it)`);
    this.mode = gke.mode;
    this.clusterName = gkeClusterName(config);
    this.clusterLocation = config.region;

    this.apis = new ProjectServices(this, 'apis', {
      services: [
        'container.googleapis.com',
        // PROJECT_SINGLETON_POLICY_ENFORCE evaluates the project's Binary Authorization policy.
        'binaryauthorization.googleapis.com',
        // Image streaming (gcfs_config) reads images through the Container File System API.
        'containerfilesystem.googleapis.com',
        // The Filestore CSI driver (on in every cluster) creates Filestore instances for ReadWriteMany volumes.
        'file.googleapis.com',
        'iam.googleapis.com',
        'logging.googleapis.com',
        'monitoring.googleapis.com',
      ],
    });

    this.nodeServiceAccount = new NodeServiceAccount(this, 'nodes', {
      projectId: config.projectId,
      accountId: `${this.clusterName}-nodes`.slice(0, 30),
    });
    // Node pools (and Autopilot's auto-provisioned ones) run as the node account: the deployer must act as it.
    const deployerActsAsNodes = this.nodeServiceAccount.identity.grantActAs(
      ciMember('deployer', config.projectId),
    );

    // The data stack grants this key to the GKE service agent, so the key is usable before this stack applies.
    this.cluster = new GkeCluster(this, 'cluster', {
      projectId: config.projectId,
      name: this.clusterName,
      location: config.region,
      mode: gke.mode,
      network: network.network.id,
      subnetwork: network.primary.subnet.id,
      podsRangeName: network.primary.podsRangeName,
      servicesRangeName: network.primary.servicesRangeName,
      releaseChannel: gke.releaseChannel,
      maintenanceWindow: gke.maintenanceWindow,
      privateEndpoint: gke.privateEndpoint,
      managedPrometheus: gke.managedPrometheus,
      masterAuthorizedNetworks: gke.masterAuthorizedNetworks,
      masterIpv4CidrBlock: gke.masterIpv4CidrBlock,
      controlPlaneNodePorts: [CUSTOM_METRICS_ADAPTER_PORT],
      databaseEncryptionKey: data.kmsKey('gke').id,
      nodeServiceAccount: this.nodeServiceAccount.email,
      deletionProtection: gke.deletionProtection,
      dependsOn: [...this.apis.dependables, ...this.nodeServiceAccount.grants, deployerActsAsNodes],
    });

    const standard = gke.mode === 'standard';
    const poolCommon = {
      cluster: this.cluster.id,
      location: config.region,
      serviceAccount: this.nodeServiceAccount.email,
    };
    if (standard) {
      this.cpuPool = new GkeNodePool(this, 'cpu-pool', { ...poolCommon, name: 'cpu', ...gke.cpuPool });
    }
    if (gkeNotes(config).includes(IMAGE_CACHE_OFF)) Annotations.of(this).addWarning(IMAGE_CACHE_OFF);
    this.gpuPools = gpuPoolsOf(gke).map((pool): GpuPoolInfo => {
      const gpu = GPUS[pool.gpu];
      const zones = zonesOffering(pool.gpu, config.region);
      // One node pool per capacity option, all serving the pool's compute class (charts/compute-classes): the
      // first keeps the pool's name and floor, the fallbacks start empty and may grow to the same ceiling.
      const [nodePool, ...fallbackPools] = standard
        ? pool.capacity.map(
            (option, index) =>
              new GkeNodePool(this, index === 0 ? `${pool.name}-pool` : `${option.nodePoolName}-pool`, {
                ...poolCommon,
                name: option.nodePoolName,
                machineType: option.machineType,
                minNodes: index === 0 ? pool.minNodes : 0,
                maxNodes: pool.maxNodes,
                diskSizeGb: pool.diskSizeGb,
                spot: option.provisioning === 'spot',
                flexStart: option.provisioning === 'flex-start' || undefined,
                reservation: option.reservation,
                computeClass: pool.name,
                imageCacheDiskImage: gke.imageCacheDiskImage,
                zones: zonesOffering(option.gpu, config.region),
                accelerator: {
                  type: GPUS[option.gpu].acceleratorType,
                  count: option.gpuCount,
                  driverVersion: 'LATEST',
                },
              }),
          )
        : [];
      return {
        ...pool,
        acceleratorLabel: gpu.acceleratorType,
        gpusPerNode: pool.gpuCount,
        zones,
        nodePool,
        fallbackPools,
      };
    });

    new TerraformOutput(this, 'cluster_name', { value: this.cluster.name });
    new TerraformOutput(this, 'cluster_location', { value: this.clusterLocation });
    new TerraformOutput(this, 'node_service_account', { value: this.nodeServiceAccount.email });
    new TerraformOutput(this, 'gpu_pools', {
      value: this.gpuPools.map((p) => ({
        name: p.name,
        accelerator: p.acceleratorLabel,
        gpus_per_node: p.gpusPerNode,
        zones: p.zones,
      })),
      description:
        'GPU pools: select nodes with cloud.google.com/gke-accelerator and tolerate nvidia.com/gpu',
    });
  }
}
