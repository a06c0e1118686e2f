import { isPrivate, parseCidr } from '../../config/cidr';
import { MAX_PUBLIC_AUTHORIZED_PREFIX } from '../../config/sections/gke';
import { Attributes, block, blocks, isFalse, isSet, isTrue, Rule } from '../rule';

const CLUSTER = 'google_container_cluster';
const NODE_POOL = 'google_container_node_pool';

const isAutopilot = (a: Attributes) => isTrue(a.enable_autopilot);
/** Autopilot turns these on itself and rejects most of the settings; the rules check Standard clusters. */
const standardCluster = (a: Attributes) => !isAutopilot(a);

interface Pool {
  readonly label: string;
  readonly attributes: Attributes;
}

/**
 * The node pools a resource defines: a node pool resource is one; a Standard cluster defines its inline
 * `node_pool` blocks, or else its default pool (from `node_config`) unless `remove_default_node_pool` is set.
 */
function poolsOf(a: Attributes, type: string): Pool[] {
  if (type === NODE_POOL) return [{ label: 'node pool', attributes: a }];
  if (isAutopilot(a)) return [];
  const inline = blocks(a.node_pool);
  if (inline.length)
    return inline.map((p) => ({ label: `node_pool ${String(p.name ?? '')}`.trim(), attributes: p }));
  return isTrue(a.remove_default_node_pool) ? [] : [{ label: 'default node pool', attributes: a }];
}

/** A node-pool rule: `problem` returns what is wrong with one pool's settings, or nothing. */
function nodePoolRule(
  id: string,
  statement: string,
  fix: string,
  problem: (pool: Attributes) => string | undefined,
): Rule {
  return {
    id,
    statement,
    fix,
    resourceTypes: [CLUSTER, NODE_POOL],
    appliesTo: (a, context) => poolsOf(a, context.resource.type).length > 0,
    check: (a, context) =>
      poolsOf(a, context.resource.type).flatMap((pool) => {
        const found = problem(pool.attributes);
        return found ? [`${pool.label}: ${found}`] : [];
      }),
  };
}

const nodeConfig = (pool: Attributes) => block(pool.node_config);
const DEFAULT_COMPUTE_SA = /-compute@developer\.gserviceaccount\.com$/;

export const gkeRules: Rule[] = [
  {
    id: 'AFPI-GKE-1',
    statement: 'GKE nodes have public IP addresses',
    fix: 'set private_cluster_config.enable_private_nodes = true (and never network_config.enable_private_nodes = false on a pool)',
    resourceTypes: [CLUSTER, NODE_POOL],
    check: (a, context) =>
      context.resource.type === CLUSTER
        ? isTrue(block(a.private_cluster_config).enable_private_nodes)
        : !isFalse(block(a.network_config).enable_private_nodes),
  },
  {
    id: 'AFPI-GKE-2',
    statement: 'GKE cluster has no Workload Identity (pods would use the node service account)',
    fix: 'set workload_identity_config.workload_pool = "<project>.svc.id.goog"',
    resourceTypes: [CLUSTER],
    appliesTo: standardCluster,
    check: (a) => isSet(block(a.workload_identity_config).workload_pool),
  },
  {
    id: 'AFPI-GKE-3',
    statement: 'GKE cluster enforces no network policy (neither Dataplane V2 nor Calico)',
    fix: 'set datapath_provider = "ADVANCED_DATAPATH" (Dataplane V2 enforces NetworkPolicy)',
    resourceTypes: [CLUSTER],
    appliesTo: standardCluster,
    check: (a) => a.datapath_provider === 'ADVANCED_DATAPATH' || isTrue(block(a.network_policy).enabled),
  },
  {
    id: 'AFPI-GKE-4',
    statement: 'GKE cluster has Shielded GKE Nodes off',
    fix: 'remove enable_shielded_nodes = false (the provider default is true)',
    resourceTypes: [CLUSTER],
    appliesTo: standardCluster,
    check: (a) => !isFalse(a.enable_shielded_nodes),
  },
  {
    id: 'AFPI-GKE-5',
    statement: 'GKE cluster does not enforce Binary Authorization',
    fix: 'set binary_authorization.evaluation_mode = "PROJECT_SINGLETON_POLICY_ENFORCE"',
    resourceTypes: [CLUSTER],
    check: (a) => block(a.binary_authorization).evaluation_mode === 'PROJECT_SINGLETON_POLICY_ENFORCE',
  },
  {
    id: 'AFPI-GKE-6',
    statement: 'GKE cluster does not encrypt Kubernetes Secrets with a Cloud KMS key',
    fix: 'set database_encryption { state = "ENCRYPTED", key_name = <KMS key in the cluster region> }',
    resourceTypes: [CLUSTER],
    check: (a) =>
      block(a.database_encryption).state === 'ENCRYPTED' && isSet(block(a.database_encryption).key_name),
  },
  {
    id: 'AFPI-GKE-7',
    statement: 'GKE cluster is on no release channel',
    fix: 'set release_channel.channel = "REGULAR" (or "STABLE")',
    resourceTypes: [CLUSTER],
    check: (a) =>
      ['RAPID', 'REGULAR', 'STABLE', 'EXTENDED'].includes(String(block(a.release_channel).channel)),
  },
  {
    id: 'AFPI-GKE-8',
    statement: 'GKE cluster has deletion protection off',
    fix: 'remove deletion_protection = false (the provider default is true)',
    resourceTypes: [CLUSTER],
    check: (a) => !isFalse(a.deletion_protection),
  },
  nodePoolRule(
    'AFPI-GKE-9',
    'GKE node pool has auto-repair or auto-upgrade off',
    'remove management.auto_repair = false and management.auto_upgrade = false (both default to true)',
    (pool) => {
      const off = ['auto_repair', 'auto_upgrade'].filter((k) => isFalse(block(pool.management)[k]));
      return off.length ? `${off.join(' and ')} off` : undefined;
    },
  ),
  nodePoolRule(
    'AFPI-GKE-10',
    'GKE node pool exposes the Compute Engine metadata server to pods',
    'set node_config.workload_metadata_config.mode = "GKE_METADATA"',
    (pool) =>
      block(nodeConfig(pool).workload_metadata_config).mode === 'GKE_METADATA'
        ? undefined
        : 'workload_metadata_config.mode is not GKE_METADATA',
  ),
  nodePoolRule(
    'AFPI-GKE-11',
    'GKE node pool boots without Secure Boot',
    'set node_config.shielded_instance_config.enable_secure_boot = true',
    (pool) =>
      isTrue(block(nodeConfig(pool).shielded_instance_config).enable_secure_boot)
        ? undefined
        : 'enable_secure_boot is not true',
  ),
  {
    id: 'AFPI-GKE-12',
    statement: 'GKE nodes run as the default compute service account',
    fix: 'set node_config.service_account (Autopilot: cluster_autoscaling.auto_provisioning_defaults.service_account) to a dedicated node service account',
    resourceTypes: [CLUSTER, NODE_POOL],
    appliesTo: (a, context) => isAutopilot(a) || poolsOf(a, context.resource.type).length > 0,
    check: (a, context) => {
      const accounts = isAutopilot(a)
        ? [
            {
              label: 'autopilot nodes',
              account: block(block(a.cluster_autoscaling).auto_provisioning_defaults).service_account,
            },
          ]
        : poolsOf(a, context.resource.type).map((p) => ({
            label: p.label,
            account: nodeConfig(p.attributes).service_account,
          }));
      return accounts
        .filter(
          ({ account }) =>
            !isSet(account) || account === 'default' || DEFAULT_COMPUTE_SA.test(String(account)),
        )
        .map(({ label }) => `${label} uses the default compute service account`);
    },
  },
  {
    id: 'AFPI-GKE-13',
    statement: 'GKE control plane endpoint admits a wide public range',
    fix: `list only private ranges or public ones of /${MAX_PUBLIC_AUTHORIZED_PREFIX} or narrower in master_authorized_networks_config.cidr_blocks (gke.masterAuthorizedNetworks)`,
    resourceTypes: [CLUSTER],
    check: (a) =>
      blocks(block(a.master_authorized_networks_config).cidr_blocks).flatMap((entry) => {
        const range = parseCidr(String(entry.cidr_block));
        // An unparsable value (a reference) is not judged here; config validation checked ours.
        if (!range || isPrivate(range) || range.prefixLength >= MAX_PUBLIC_AUTHORIZED_PREFIX) return [];
        return [`${String(entry.cidr_block)} (${String(entry.display_name ?? 'unnamed')})`];
      }),
  },
];
