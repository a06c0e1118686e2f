import { loadEnvironment } from '../config/load';
import { onlyResource, resourcesOf, synthApp, synthEnvironment, SynthesizedStack } from './support/synth';

const GPU_TAINT = { key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' };

function pool(stack: SynthesizedStack | undefined, name: string): Record<string, unknown> {
  const found = resourcesOf(stack, 'google_container_node_pool').find((p) => p.name === name);
  if (!found) throw new Error(`no node pool ${name}`);
  return found;
}

describe('gke-gpu stack', () => {
  const dev = synthEnvironment('dev');
  const prod = synthEnvironment('prod');
  const growth = synthEnvironment('prod', 'growth');
  const startup = synthEnvironment('dev', 'startup');

  it('exists only in tiers with GKE', () => {
    expect(dev['gke-gpu']).toBeDefined();
    expect(growth['gke-gpu']).toBeDefined();
    expect(startup['gke-gpu']).toBeUndefined();
  });

  it('builds a hardened regional cluster', () => {
    const cluster = onlyResource(prod['gke-gpu'], 'google_container_cluster');
    expect(cluster).toEqual(
      expect.objectContaining({
        name: 'afpi-prod',
        location: 'us-central1',
        networking_mode: 'VPC_NATIVE',
        ip_allocation_policy: {
          cluster_secondary_range_name: 'pods',
          services_secondary_range_name: 'services',
        },
        datapath_provider: 'ADVANCED_DATAPATH',
        private_cluster_config: {
          enable_private_nodes: true,
          enable_private_endpoint: false,
          master_ipv4_cidr_block: '172.16.0.0/28',
          master_global_access_config: { enabled: true },
        },
        master_authorized_networks_config: { cidr_blocks: [], gcp_public_cidrs_access_enabled: false },
        workload_identity_config: { workload_pool: 'afpi-production.svc.id.goog' },
        binary_authorization: { evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
        database_encryption: expect.objectContaining({ state: 'ENCRYPTED' }),
        enable_shielded_nodes: true,
        release_channel: { channel: 'STABLE' },
        maintenance_policy: {
          recurring_window: {
            start_time: '2025-01-04T03:00:00Z',
            end_time: '2025-01-04T09:00:00Z',
            recurrence: 'FREQ=WEEKLY;BYDAY=SA,SU',
          },
        },
        monitoring_config: {
          enable_components: expect.arrayContaining(['SYSTEM_COMPONENTS', 'DCGM']),
          managed_prometheus: { enabled: true },
        },
        addons_config: expect.objectContaining({
          gcs_fuse_csi_driver_config: { enabled: true },
          gcp_filestore_csi_driver_config: { enabled: true },
        }),
        secret_manager_config: { enabled: true },
        cost_management_config: { enabled: true },
        deletion_protection: true,
        remove_default_node_pool: true,
        initial_node_count: 1,
      }),
    );
    // VPC and subnet from the network stack, the secrets key from the data stack.
    expect(cluster.network).toMatch(/terraform_remote_state\.cross-stack-reference-input-network/);
    expect(cluster.subnetwork).toMatch(/terraform_remote_state\.cross-stack-reference-input-network/);
    expect((cluster.database_encryption as { key_name: string }).key_name).toMatch(
      /terraform_remote_state\.cross-stack-reference-input-data.*gke/,
    );
    // The short-lived default pool is hardened too.
    expect(cluster.node_config).toEqual(
      expect.objectContaining({
        workload_metadata_config: { mode: 'GKE_METADATA' },
        shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
      }),
    );
  });

  it('runs nodes as a dedicated service account with the four node roles at project level, no registry reader', () => {
    expect(onlyResource(prod['gke-gpu'], 'google_service_account')).toEqual(
      expect.objectContaining({ account_id: 'afpi-prod-nodes' }),
    );
    expect(
      resourcesOf(prod['gke-gpu'], 'google_project_iam_member')
        .map((m) => m.role)
        .sort(),
    ).toEqual([
      'roles/logging.logWriter',
      'roles/monitoring.metricWriter',
      'roles/monitoring.viewer',
      'roles/stackdriver.resourceMetadata.writer',
    ]);
    for (const p of resourcesOf(prod['gke-gpu'], 'google_container_node_pool')) {
      expect((p.node_config as { service_account: string }).service_account).toBe(
        '${google_service_account.nodes_identity_account_A30ED064.email}',
      );
    }
  });

  it('lets the CI deployer act as the node account only, before the cluster and pools use it', () => {
    const actAs = onlyResource(prod['gke-gpu'], 'google_service_account_iam_member');
    expect(actAs).toEqual(
      expect.objectContaining({
        role: 'roles/iam.serviceAccountUser',
        member: 'serviceAccount:afpi-deployer@afpi-production.iam.gserviceaccount.com',
        service_account_id: '${google_service_account.nodes_identity_account_A30ED064.name}',
      }),
    );
    expect(onlyResource(prod['gke-gpu'], 'google_container_cluster').depends_on).toContainEqual(
      expect.stringMatching(/^google_service_account_iam_member\.nodes_identity_act-as_/),
    );
  });

  it('enables the APIs the cluster uses', () => {
    expect(resourcesOf(prod['gke-gpu'], 'google_project_service').map((s) => s.service)).toEqual(
      expect.arrayContaining([
        'container.googleapis.com',
        'binaryauthorization.googleapis.com',
        'containerfilesystem.googleapis.com',
      ]),
    );
  });

  it('has a hardened, autoscaled CPU pool (seed: n1-standard-4)', () => {
    expect(pool(prod['gke-gpu'], 'cpu')).toEqual(
      expect.objectContaining({
        location: 'us-central1',
        autoscaling: { total_min_node_count: 3, total_max_node_count: 10, location_policy: 'BALANCED' },
        management: { auto_repair: true, auto_upgrade: true },
        upgrade_settings: { strategy: 'SURGE', max_surge: 1, max_unavailable: 0 },
        node_config: expect.objectContaining({
          machine_type: 'n1-standard-4',
          disk_size_gb: 100,
          workload_metadata_config: { mode: 'GKE_METADATA' },
          shielded_instance_config: { enable_secure_boot: true, enable_integrity_monitoring: true },
          gcfs_config: { enabled: true },
          gvnic: { enabled: true },
          spot: false,
        }),
      }),
    );
    expect(
      (pool(prod['gke-gpu'], 'cpu').node_config as Record<string, unknown>).guest_accelerator,
    ).toBeUndefined();
  });

  it('builds the seed GPU pools from the catalog (enterprise: small and large)', () => {
    expect(pool(prod['gke-gpu'], 'gpu-large')).toEqual(
      expect.objectContaining({
        node_locations: ['us-central1-a', 'us-central1-b', 'us-central1-c', 'us-central1-f'],
        autoscaling: { total_min_node_count: 1, total_max_node_count: 5, location_policy: 'ANY' },
        management: { auto_repair: true, auto_upgrade: true },
        node_config: expect.objectContaining({
          machine_type: 'a2-highgpu-2g',
          disk_size_gb: 100,
          guest_accelerator: [
            {
              type: 'nvidia-tesla-a100',
              count: 2,
              gpu_driver_installation_config: { gpu_driver_version: 'LATEST' },
            },
          ],
          taint: [
            GPU_TAINT,
            { key: 'cloud.google.com/compute-class', value: 'gpu-large', effect: 'NO_SCHEDULE' },
          ],
          labels: { 'nvidia.com/gpu': 'present', 'cloud.google.com/compute-class': 'gpu-large' },
          gcfs_config: { enabled: true },
          gvnic: { enabled: true },
          workload_metadata_config: { mode: 'GKE_METADATA' },
          spot: false,
        }),
      }),
    );
    expect(pool(prod['gke-gpu'], 'gpu-small').node_config).toEqual(
      expect.objectContaining({
        machine_type: 'g2-standard-8',
        guest_accelerator: [expect.objectContaining({ type: 'nvidia-l4', count: 1 })],
      }),
    );
  });

  it('tags every node for the serverless-to-inference firewall rule, nothing broader', () => {
    const pools = resourcesOf(prod['gke-gpu'], 'google_container_node_pool');
    expect(pools.length).toBeGreaterThan(1);
    for (const pool of pools) {
      expect((pool.node_config as Record<string, unknown>).tags).toEqual(['afpi-gke-node']);
    }
  });

  it('uses spot nodes and scale-to-zero GPU pools in dev, on-demand as the fallback', () => {
    expect(pool(dev['gke-gpu'], 'gpu-small')).toEqual(
      expect.objectContaining({
        autoscaling: { total_min_node_count: 0, total_max_node_count: 2, location_policy: 'ANY' },
        initial_node_count: 0,
        node_config: expect.objectContaining({ spot: true }),
      }),
    );
    expect(pool(dev['gke-gpu'], 'gpu-small-od')).toEqual(
      expect.objectContaining({
        autoscaling: { total_min_node_count: 0, total_max_node_count: 2, location_policy: 'ANY' },
        node_config: expect.objectContaining({ spot: false, machine_type: 'g2-standard-8' }),
      }),
    );
    expect(pool(dev['gke-gpu'], 'cpu').node_config).toEqual(expect.objectContaining({ spot: true }));
  });

  it('gives growth a CPU pool only', () => {
    expect(resourcesOf(growth['gke-gpu'], 'google_container_node_pool').map((p) => p.name)).toEqual(['cpu']);
    expect(growth['gke-gpu']?.output?.gpu_pools.value).toEqual([]);
  });

  it('outputs the cluster name and location and the GPU pools for the inference stack', () => {
    expect(prod['gke-gpu']?.output?.cluster_location.value).toBe('us-central1');
    expect(prod['gke-gpu']?.output?.gpu_pools.value).toEqual([
      { name: 'gpu-small', accelerator: 'nvidia-l4', gpus_per_node: 1, zones: expect.any(Array) },
      { name: 'gpu-large', accelerator: 'nvidia-tesla-a100', gpus_per_node: 2, zones: expect.any(Array) },
    ]);
  });

  it('builds an Autopilot cluster without node pools when gke.mode is autopilot', () => {
    const { config } = loadEnvironment('staging');
    const autopilot = synthApp({ ...config, gke: { ...config.gke!, mode: 'autopilot' } })['gke-gpu'];
    const cluster = onlyResource(autopilot, 'google_container_cluster');
    expect(cluster).toEqual(
      expect.objectContaining({
        enable_autopilot: true,
        cluster_autoscaling: {
          auto_provisioning_defaults: {
            service_account: '${google_service_account.nodes_identity_account_A30ED064.email}',
            oauth_scopes: ['https://www.googleapis.com/auth/cloud-platform'],
          },
        },
        private_cluster_config: expect.objectContaining({ enable_private_nodes: true }),
        binary_authorization: { evaluation_mode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
        database_encryption: expect.objectContaining({ state: 'ENCRYPTED' }),
        workload_identity_config: { workload_pool: 'afpi-staging.svc.id.goog' },
      }),
    );
    for (const standardOnly of [
      'remove_default_node_pool',
      'initial_node_count',
      'node_config',
      'enable_shielded_nodes',
    ]) {
      expect(cluster[standardOnly]).toBeUndefined();
    }
    expect(resourcesOf(autopilot, 'google_container_node_pool')).toEqual([]);
    expect(cluster.node_pool_auto_config).toEqual({ network_tags: { tags: ['afpi-gke-node'] } });
    expect(autopilot?.output?.gpu_pools.value).toEqual([
      { name: 'gpu-small', accelerator: 'nvidia-l4', gpus_per_node: 1, zones: expect.any(Array) },
    ]);
  });
});
