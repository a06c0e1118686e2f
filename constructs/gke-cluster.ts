import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { GKE_NODE_TAG } from './firewall-rules';

/**
 * Logs and metrics the cluster sends; DCGM exports GPU utilisation for the gpu_saturation alert, POD the managed
 * kube-state-metrics pod phase and requests for the gpu_workload_pending alert.
 */
export const LOGGING_COMPONENTS = ['SYSTEM_COMPONENTS', 'WORKLOADS'];
export const MONITORING_COMPONENTS = [
  'SYSTEM_COMPONENTS',
  'APISERVER',
  'SCHEDULER',
  'CONTROLLER_MANAGER',
  'STORAGE',
  'HPA',
  'POD',
  'DAEMONSET',
  'DEPLOYMENT',
  'STATEFULSET',
  'DCGM',
];

const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

export interface MaintenanceWindow {
  /** "HH:MM", UTC. */
  readonly startTimeUtc: string;
  readonly durationHours: number;
  /** RRULE day codes: MO, TU, WE, TH, FR, SA, SU. */
  readonly days: readonly string[];
}

export interface AuthorizedNetwork {
  readonly name: string;
  readonly cidr: string;
}

export interface GkeClusterProps {
  readonly projectId: string;
  readonly name: string;
  /** Region: the cluster is regional (control plane replicated across zones). */
  readonly location: string;
  /** `standard`: node pools are ours (GkeNodePool); `autopilot`: Google provisions nodes per pod. */
  readonly mode: 'standard' | 'autopilot';
  /** VPC and subnet (self links or ids). */
  readonly network: string;
  readonly subnetwork: string;
  /** Subnet secondary ranges for pods and services (VPC-native). */
  readonly podsRangeName: string;
  readonly servicesRangeName: string;
  /** RAPID, REGULAR or STABLE. */
  readonly releaseChannel: string;
  readonly maintenanceWindow: MaintenanceWindow;
  /** Control plane reachable on its private endpoint only. */
  readonly privateEndpoint: boolean;
  /** Google Managed Prometheus: GPU (DCGM) and vLLM/TGI metrics for alerts, dashboards and queue-depth scaling. */
  readonly managedPrometheus: boolean;
  readonly masterAuthorizedNetworks: readonly AuthorizedNetwork[];
  /** The control plane's /28. */
  readonly masterIpv4CidrBlock: string;
  /**
   * Node ports the control plane calls directly (aggregated API servers, admission webhooks). GKE's own firewall
   * rule for a private cluster opens only tcp:443 and tcp:10250 from the control plane to the nodes.
   * @default [] (no extra rule)
   */
  readonly controlPlaneNodePorts?: readonly number[];
  /** KMS key (id) for application-layer secrets encryption; the GKE service agent must be able to use it. */
  readonly databaseEncryptionKey: string;
  /** Email of the nodes' service account. */
  readonly nodeServiceAccount: string;
  readonly deletionProtection: boolean;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** RRULE window from a start time and a duration, anchored on a past Saturday (any date works). */
export function recurringWindow(window: MaintenanceWindow): {
  startTime: string;
  endTime: string;
  recurrence: string;
} {
  const start = new Date(`2025-01-04T${window.startTimeUtc}:00Z`);
  const end = new Date(start.getTime() + window.durationHours * 3_600_000);
  const iso = (date: Date) => date.toISOString().replace('.000Z', 'Z');
  return {
    startTime: iso(start),
    endTime: iso(end),
    recurrence: `FREQ=WEEKLY;BYDAY=${window.days.join(',')}`,
  };
}

/**
 * A hardened regional GKE cluster: private nodes, master global access, authorized networks, VPC-native on the
 * network stack's ranges, Dataplane V2, Workload Identity, Binary Authorization enforced, KMS secrets
 * encryption, shielded nodes, release channel and maintenance window, managed Prometheus with DCGM, GCS FUSE
 * CSI driver, cost allocation, deletion protection. Standard mode removes the default node pool.
 */
export class GkeCluster extends Construct {
  readonly cluster: ContainerCluster;
  readonly location: string;
  /** Set when `controlPlaneNodePorts` is not empty. */
  readonly controlPlaneToNodes?: ComputeFirewall;

  constructor(scope: Construct, id: string, props: GkeClusterProps) {
    super(scope, id);
    const autopilot = props.mode === 'autopilot';
    this.location = props.location;
    this.cluster = new ContainerCluster(this, 'cluster', {
      name: props.name,
      location: props.location,
      network: props.network,
      subnetwork: props.subnetwork,
      networkingMode: 'VPC_NATIVE',
      ipAllocationPolicy: {
        clusterSecondaryRangeName: props.podsRangeName,
        servicesSecondaryRangeName: props.servicesRangeName,
      },
      // Dataplane V2 (eBPF) enforces NetworkPolicy itself; the Calico add-on must stay off.
      datapathProvider: 'ADVANCED_DATAPATH',
      // Same-node pod-to-pod traffic goes through the VPC too, so flow logs and firewall rules see it
      // (Autopilot's default; CIS GKE 6.6.1).
      enableIntranodeVisibility: true,
      // No legacy client certificate: access is IAM (Workload Identity, gcloud credentials) only. GKE's default
      // since 1.12, stated so a scanner (checkov CKV_GCP_13) and a reader see it.
      masterAuth: { clientCertificateConfig: { issueClientCertificate: false } },
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: props.privateEndpoint,
        masterIpv4CidrBlock: props.masterIpv4CidrBlock,
        masterGlobalAccessConfig: { enabled: true },
      },
      // CI and operators reach the API server through its DNS endpoint, authorized by IAM
      // (container.clusters.connect) rather than by source address: runners have no fixed IPs to authorize.
      controlPlaneEndpointsConfig: { dnsEndpointConfig: { allowExternalTraffic: true } },
      masterAuthorizedNetworksConfig: {
        cidrBlocks: props.masterAuthorizedNetworks.map((n) => ({ displayName: n.name, cidrBlock: n.cidr })),
        gcpPublicCidrsAccessEnabled: false,
      },
      workloadIdentityConfig: { workloadPool: `${props.projectId}.svc.id.goog` },
      binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
      databaseEncryption: { state: 'ENCRYPTED', keyName: props.databaseEncryptionKey },
      releaseChannel: { channel: props.releaseChannel },
      maintenancePolicy: { recurringWindow: recurringWindow(props.maintenanceWindow) },
      loggingConfig: { enableComponents: LOGGING_COMPONENTS },
      monitoringConfig: {
        enableComponents: MONITORING_COMPONENTS,
        managedPrometheus: { enabled: props.managedPrometheus },
      },
      // Secret Manager add-on: pods mount Secret Manager secrets (the HF token) with their own identity, so no
      // Kubernetes Secret holds them.
      secretManagerConfig: { enabled: true },
      addonsConfig: {
        gcsFuseCsiDriverConfig: { enabled: true },
        // Filestore backs the ReadWriteMany model cache (`inference.modelCache: pvc`, class standard-rwx).
        gcpFilestoreCsiDriverConfig: { enabled: true },
        gcePersistentDiskCsiDriverConfig: { enabled: true },
        httpLoadBalancing: { disabled: false },
        horizontalPodAutoscaling: { disabled: false },
      },
      costManagementConfig: { enabled: true },
      verticalPodAutoscaling: { enabled: true },
      deletionProtection: props.deletionProtection,
      ...(autopilot
        ? {
            enableAutopilot: true,
            // The serverless-to-inference firewall rule targets this tag.
            nodePoolAutoConfig: { networkTags: { tags: [GKE_NODE_TAG] } },
            // Autopilot's nodes run as our node account, not the Compute Engine default one.
            clusterAutoscaling: {
              autoProvisioningDefaults: {
                serviceAccount: props.nodeServiceAccount,
                oauthScopes: [CLOUD_PLATFORM_SCOPE],
              },
            },
          }
        : {
            enableShieldedNodes: true,
            // A cluster cannot be created without a node pool: one node, hardened, deleted right after.
            removeDefaultNodePool: true,
            initialNodeCount: 1,
            nodeConfig: {
              serviceAccount: props.nodeServiceAccount,
              oauthScopes: [CLOUD_PLATFORM_SCOPE],
              shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
              workloadMetadataConfig: { mode: 'GKE_METADATA' },
            },
            // The default pool's settings read back differently once it is removed.
            lifecycle: { ignoreChanges: ['node_config'] },
          }),
      dependsOn: props.dependsOn,
    });
    const ports = props.controlPlaneNodePorts ?? [];
    if (ports.length > 0) {
      this.controlPlaneToNodes = new ComputeFirewall(this, 'control-plane-to-nodes', {
        name: `${props.name}-control-plane-to-nodes`,
        description: 'GKE control plane to aggregated API servers and webhooks on the nodes',
        network: props.network,
        direction: 'INGRESS',
        priority: 1000,
        sourceRanges: [props.masterIpv4CidrBlock],
        targetServiceAccounts: [props.nodeServiceAccount],
        allow: [{ protocol: 'tcp', ports: ports.map(String) }],
        logConfig: { metadata: 'INCLUDE_ALL_METADATA' },
      });
    }
  }

  get name(): string {
    return this.cluster.name;
  }

  get id(): string {
    return this.cluster.id;
  }
}
