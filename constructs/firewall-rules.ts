import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { Construct } from 'constructs';

/** Google front ends and health checkers (https://cloud.google.com/load-balancing/docs/health-check-concepts). */
export const HEALTH_CHECK_RANGES = ['35.191.0.0/16', '130.211.0.0/22'];
/** Identity-Aware Proxy TCP forwarding (https://cloud.google.com/iap/docs/using-tcp-forwarding). */
export const IAP_RANGE = '35.235.240.0/20';
/** Network tag of every GKE node (node pools and Autopilot): the only target of the serverless allow. */
export const GKE_NODE_TAG = 'afpi-gke-node';

export interface FirewallRulesProps {
  /** Network self link or id. */
  readonly network: string;
  /** Prefix of every rule name. */
  readonly namePrefix: string;
  /** Source ranges of Cloud Run's VPC egress (connectors, or the subnets with Direct VPC egress). */
  readonly serverlessRanges: readonly string[];
  /** TCP ports of the inference endpoints on the GKE nodes' internal load balancer. @default none: no rule */
  readonly inferencePorts?: readonly number[];
  /** Ports Google's health checkers may reach. */
  readonly healthCheckPorts: readonly number[];
  /** Allow SSH through IAP. */
  readonly iapSsh: boolean;
}

/**
 * The VPC's ingress policy: a logged, lowest-priority deny-all (visible in logs, unlike the implied deny), then
 * narrow allows: Cloud Run's egress to the inference ports of the GKE nodes (tagged, logged), Google health
 * checks and, when asked, IAP SSH. Traffic inside the cluster is opened by the rules GKE manages itself.
 */
export class FirewallRules extends Construct {
  readonly denyAllIngress: ComputeFirewall;
  readonly allowServerlessToInference?: ComputeFirewall;
  readonly allowHealthChecks: ComputeFirewall;
  readonly allowIapSsh?: ComputeFirewall;

  constructor(scope: Construct, id: string, props: FirewallRulesProps) {
    super(scope, id);
    const { network, namePrefix } = props;
    const logAll = { metadata: 'INCLUDE_ALL_METADATA' };
    this.denyAllIngress = new ComputeFirewall(this, 'deny-all-ingress', {
      name: `${namePrefix}-deny-all-ingress`,
      description: 'Default deny for ingress, logged',
      network,
      direction: 'INGRESS',
      priority: 65534,
      sourceRanges: ['0.0.0.0/0'],
      deny: [{ protocol: 'all' }],
      logConfig: logAll,
    });
    if (props.inferencePorts?.length) {
      this.allowServerlessToInference = new ComputeFirewall(this, 'allow-serverless-inference', {
        name: `${namePrefix}-allow-serverless-inference`,
        description: 'Cloud Run VPC egress to the inference internal load balancer on the GKE nodes',
        network,
        direction: 'INGRESS',
        priority: 1000,
        sourceRanges: [...props.serverlessRanges],
        targetTags: [GKE_NODE_TAG],
        allow: [{ protocol: 'tcp', ports: props.inferencePorts.map(String) }],
        logConfig: logAll,
      });
    }
    this.allowHealthChecks = new ComputeFirewall(this, 'allow-health-checks', {
      name: `${namePrefix}-allow-health-checks`,
      description: 'Google load balancer health checks',
      network,
      direction: 'INGRESS',
      priority: 1000,
      sourceRanges: HEALTH_CHECK_RANGES,
      allow: [{ protocol: 'tcp', ports: props.healthCheckPorts.map(String) }],
    });
    if (props.iapSsh) {
      this.allowIapSsh = new ComputeFirewall(this, 'allow-iap-ssh', {
        name: `${namePrefix}-allow-iap-ssh`,
        description: 'SSH through Identity-Aware Proxy only',
        network,
        direction: 'INGRESS',
        priority: 1000,
        sourceRanges: [IAP_RANGE],
        allow: [{ protocol: 'tcp', ports: ['22'] }],
        logConfig: logAll,
      });
    }
  }
}
