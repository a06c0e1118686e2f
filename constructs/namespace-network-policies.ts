import {
  NetworkPolicyV1,
  NetworkPolicyV1Spec,
  NetworkPolicyV1SpecEgress,
} from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/** Addresses no pod may reach through the "Google APIs" allow: our VPC, peered services (SQL, Redis), the link-local range. */
export const PRIVATE_RANGES = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '169.254.0.0/16',
];

/** GKE metadata server (Workload Identity tokens): 169.254.169.254:80, and :988 on Dataplane V2 clusters. */
const METADATA_SERVER: NetworkPolicyV1SpecEgress[] = [
  { to: [{ ipBlock: { cidr: '169.254.169.254/32' } }], ports: [{ port: '80', protocol: 'TCP' }] },
  { to: [{ ipBlock: { cidr: '169.254.169.252/32' } }], ports: [{ port: '988', protocol: 'TCP' }] },
];

const KUBE_DNS: NetworkPolicyV1SpecEgress = {
  to: [
    {
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    },
  ],
  ports: [
    { port: '53', protocol: 'UDP' },
    { port: '53', protocol: 'TCP' },
  ],
};

export interface NamespaceNetworkPoliciesProps {
  readonly namespace: string;
  /** The GKE control plane's range (private endpoint): API calls out, and the API server's calls in. */
  readonly controlPlaneCidr: string;
  /** Pods that call the Kubernetes API (e.g. the vLLM router's service discovery). @default none */
  readonly apiClients?: Record<string, string>;
  /** Let the API server reach these pods on `port` (aggregated API servers). @default none */
  readonly apiServerIngressPort?: number;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A namespace's baseline network policy: default-deny for ingress and egress, then egress to kube-dns, the GKE
 * metadata server, traffic between the namespace's own pods, and HTTPS to public addresses only (Google APIs
 * through Private Google Access; our VPC, SQL and Redis stay out of reach). Ingress stays closed: each workload
 * opens its own. HTTPS is not narrowed to the Google API VIPs (private 199.36.153.8/30, restricted
 * 199.36.153.4/30): no private DNS zone maps googleapis.com to them, so pods (gcsfuse runs in the pod) resolve
 * public addresses; a PVC cache downloads from Hugging Face; and the VIPs serve run.app too.
 */
export class NamespaceNetworkPolicies extends Construct {
  readonly defaultDeny: NetworkPolicyV1;
  /** The egress a pod needs at start (DNS, metadata server, HTTPS): workloads depend on it besides default-deny. */
  readonly egressBaseline: NetworkPolicyV1;

  constructor(scope: Construct, id: string, props: NamespaceNetworkPoliciesProps) {
    super(scope, id);
    const { namespace, dependsOn } = props;
    const policy = (name: string, spec: NetworkPolicyV1Spec) =>
      new NetworkPolicyV1(this, name, { metadata: { name, namespace }, spec, dependsOn });

    this.defaultDeny = policy('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    this.egressBaseline = policy('allow-egress-baseline', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        KUBE_DNS,
        ...METADATA_SERVER,
        { to: [{ podSelector: {} }] },
        {
          to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...PRIVATE_RANGES] } }],
          ports: [{ port: '443', protocol: 'TCP' }],
        },
      ],
    });
    if (props.apiClients) {
      policy('allow-egress-kube-api', {
        podSelector: { matchLabels: props.apiClients },
        policyTypes: ['Egress'],
        egress: [
          { to: [{ ipBlock: { cidr: props.controlPlaneCidr } }], ports: [{ port: '443', protocol: 'TCP' }] },
        ],
      });
    }
    if (props.apiServerIngressPort !== undefined) {
      policy('allow-ingress-kube-api', {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ ipBlock: { cidr: props.controlPlaneCidr } }],
            ports: [{ port: String(props.apiServerIngressPort), protocol: 'TCP' }],
          },
        ],
      });
    }
  }
}

/** Pod Security admission: enforce baseline, warn and audit against restricted. */
export const POD_SECURITY_LABELS = {
  'pod-security.kubernetes.io/enforce': 'baseline',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/audit': 'restricted',
} as const;
