import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ApiServiceV1 } from '@cdktf/provider-kubernetes/lib/api-service-v1';
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { Construct } from 'constructs';
import { CUSTOM_METRICS_ADAPTER_IMAGE } from '../catalog/registries';
import { NamespaceNetworkPolicies, POD_SECURITY_LABELS } from './namespace-network-policies';
import { WorkloadIdentity } from './workload-identity';

export interface CustomMetricsAdapterProps {
  readonly project: string;
  /** The GKE control plane's range: the API server calls the adapter, the adapter calls the API server. */
  readonly controlPlaneCidr: string;
  /** Pinned adapter image. @default CUSTOM_METRICS_ADAPTER_IMAGE */
  readonly image?: string;
}

const NAMESPACE = 'custom-metrics';
const NAME = 'custom-metrics-stackdriver-adapter';
const LABELS = { 'k8s-app': NAME };
/**
 * Unprivileged port the adapter serves on; the Service keeps 443, where the APIServices expect it. The API server
 * calls the pod on this port: the gke-gpu stack opens it from the control plane to the nodes.
 */
export const CUSTOM_METRICS_ADAPTER_PORT = 6443;
/** UID/GID of distroless's `nonroot` user. */
const ADAPTER_UID = 65532;
/** emptyDir for the adapter's self-signed certificate (its default, a directory under the working directory, is read-only). */
const CERT_DIR = '/var/run/adapter-certs';

/**
 * The Custom Metrics Stackdriver Adapter: serves Cloud Monitoring metrics (Managed Prometheus included, as
 * `prometheus.googleapis.com|<metric>|<kind>`) on the custom and external metrics APIs so HPAs can scale on
 * them. It runs as its own Workload Identity with `roles/monitoring.viewer` and nothing else. This is Google's
 * production manifest (new resource model) as Terraform resources.
 */
export class CustomMetricsAdapter extends Construct {
  readonly identity: WorkloadIdentity;

  constructor(scope: Construct, id: string, props: CustomMetricsAdapterProps) {
    super(scope, id);
    const namespace = new NamespaceV1(this, 'namespace', {
      metadata: { name: NAMESPACE, labels: { ...POD_SECURITY_LABELS } },
    });
    new NamespaceNetworkPolicies(this, 'network-policies', {
      namespace: NAMESPACE,
      controlPlaneCidr: props.controlPlaneCidr,
      apiClients: LABELS,
      apiServerIngressPort: CUSTOM_METRICS_ADAPTER_PORT,
      dependsOn: [namespace],
    });
    this.identity = new WorkloadIdentity(this, 'identity', {
      project: props.project,
      accountId: 'inference-metrics-adapter',
      description: 'Custom metrics Stackdriver adapter: reads Cloud Monitoring for HPAs',
      namespace: NAMESPACE,
      serviceAccountName: NAME,
      // The adapter serves an aggregated API and reads pods and nodes: it needs its API token.
      automountToken: true,
      dependsOn: [namespace],
    });
    // Cloud Monitoring has no resource-level IAM: reading time series is a project role.
    new ProjectIamMember(this, 'monitoring-viewer', {
      project: props.project,
      role: 'roles/monitoring.viewer',
      member: this.identity.member,
    });
    const subject = [{ kind: 'ServiceAccount', name: NAME, namespace: NAMESPACE }];
    new ClusterRoleBindingV1(this, 'auth-delegator', {
      metadata: { name: 'custom-metrics:system:auth-delegator' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'system:auth-delegator' },
      subject,
    });
    new RoleBindingV1(this, 'auth-reader', {
      metadata: { name: 'custom-metrics-auth-reader', namespace: 'kube-system' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'Role',
        name: 'extension-apiserver-authentication-reader',
      },
      subject,
    });
    new ClusterRoleV1(this, 'resource-reader', {
      metadata: { name: 'custom-metrics-resource-reader' },
      rule: [
        { apiGroups: [''], resources: ['pods', 'nodes', 'nodes/stats'], verbs: ['get', 'list', 'watch'] },
      ],
    });
    new ClusterRoleBindingV1(this, 'resource-reader-binding', {
      metadata: { name: 'custom-metrics-resource-reader' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'custom-metrics-resource-reader',
      },
      subject,
    });
    new DeploymentV1(this, 'deployment', {
      metadata: { name: NAME, namespace: NAMESPACE, labels: LABELS },
      spec: {
        // Two: every queue-depth HPA reads through it; a node drain must not stop them all (PDB below).
        replicas: '2',
        selector: { matchLabels: LABELS },
        template: {
          metadata: { labels: LABELS },
          spec: {
            serviceAccountName: this.identity.serviceAccountName,
            // Non-root (distroless's `nonroot` user; the image is a static Go binary on distroless/static).
            securityContext: {
              runAsNonRoot: true,
              runAsUser: String(ADAPTER_UID),
              runAsGroup: String(ADAPTER_UID),
              seccompProfile: { type: 'RuntimeDefault' },
            },
            container: [
              {
                name: 'adapter',
                image: props.image ?? CUSTOM_METRICS_ADAPTER_IMAGE,
                imagePullPolicy: 'IfNotPresent',
                command: [
                  '/adapter',
                  '--use-new-resource-model=true',
                  '--fallback-for-container-metrics=true',
                  // The default, 443, needs NET_BIND_SERVICE, which the dropped capabilities remove.
                  `--secure-port=${CUSTOM_METRICS_ADAPTER_PORT}`,
                  // Its self-signed serving certificate goes to the writable volume, not the working directory.
                  `--cert-dir=${CERT_DIR}`,
                ],
                port: [{ name: 'https', containerPort: CUSTOM_METRICS_ADAPTER_PORT, protocol: 'TCP' }],
                resources: {
                  requests: { cpu: '250m', memory: '400Mi' },
                  limits: { cpu: '250m', memory: '400Mi' },
                },
                securityContext: {
                  runAsNonRoot: true,
                  readOnlyRootFilesystem: true,
                  allowPrivilegeEscalation: false,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMount: [{ name: 'certs', mountPath: CERT_DIR }],
              },
            ],
            volume: [{ name: 'certs', emptyDir: { sizeLimit: '16Mi' } }],
          },
        },
      },
    });
    new ServiceV1(this, 'service', {
      metadata: { name: NAME, namespace: NAMESPACE, labels: LABELS },
      spec: {
        type: 'ClusterIP',
        selector: LABELS,
        port: [{ port: 443, targetPort: 'https', protocol: 'TCP' }],
      },
    });
    // custom.metrics v1beta1 and v1beta2, external.metrics v1beta1, as in Google's manifest.
    for (const [group, version, priority] of [
      ['custom.metrics.k8s.io', 'v1beta1', 100],
      ['custom.metrics.k8s.io', 'v1beta2', 200],
      ['external.metrics.k8s.io', 'v1beta1', 100],
    ] as const) {
      new ApiServiceV1(this, `api-${version}-${group.split('.')[0]}`, {
        metadata: { name: `${version}.${group}` },
        spec: {
          group,
          version,
          groupPriorityMinimum: 100,
          versionPriority: priority,
          // The adapter serves a self-signed certificate (Google's manifest does the same).
          insecureSkipTlsVerify: true,
          service: { name: NAME, namespace: NAMESPACE },
        },
      });
    }
    new ClusterRoleV1(this, 'external-metrics-reader', {
      metadata: { name: 'external-metrics-reader' },
      rule: [{ apiGroups: ['external.metrics.k8s.io'], resources: ['*'], verbs: ['list', 'get', 'watch'] }],
    });
    new ClusterRoleBindingV1(this, 'external-metrics-reader-binding', {
      metadata: { name: 'external-metrics-reader' },
      roleRef: {
        apiGroup: 'rbac.authorization.k8s.io',
        kind: 'ClusterRole',
        name: 'external-metrics-reader',
      },
      subject: [{ kind: 'ServiceAccount', name: 'horizontal-pod-autoscaler', namespace: 'kube-system' }],
    });
    new PodDisruptionBudgetV1(this, 'pdb', {
      metadata: { name: NAME, namespace: NAMESPACE },
      spec: { minAvailable: '1', selector: { matchLabels: LABELS } },
      dependsOn: [namespace],
    });
  }
}
