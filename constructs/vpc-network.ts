import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/** Secondary range names GKE clusters refer to (`ip_allocation_policy`). */
export const PODS_RANGE_NAME = 'pods';
export const SERVICES_RANGE_NAME = 'services';

export interface SubnetSpec {
  readonly region: string;
  /** Primary IPv4 range. */
  readonly subnetCidr: string;
  /** Secondary range for GKE pods. */
  readonly podsCidr: string;
  /** Secondary range for GKE services. */
  readonly servicesCidr: string;
}

export interface VpcNetworkProps {
  readonly name: string;
  /** One subnet per serving region. */
  readonly subnets: readonly SubnetSpec[];
  /** Fraction of flows sampled into VPC flow logs (0-1]. */
  readonly flowLogSampling: number;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Custom-mode VPC (no auto subnets, global dynamic routing for the DR region) with a regional subnet per
 * serving region: Private Google Access, flow logs, and GKE secondary ranges.
 */
export class VpcNetwork extends Construct {
  readonly network: ComputeNetwork;
  /** Subnets by region. */
  readonly subnets: Readonly<Record<string, ComputeSubnetwork>>;

  constructor(scope: Construct, id: string, props: VpcNetworkProps) {
    super(scope, id);
    this.network = new ComputeNetwork(this, 'network', {
      name: props.name,
      autoCreateSubnetworks: false,
      routingMode: 'GLOBAL',
      deleteDefaultRoutesOnCreate: false,
      dependsOn: props.dependsOn,
    });
    const subnets: Record<string, ComputeSubnetwork> = {};
    for (const spec of props.subnets) {
      subnets[spec.region] = new ComputeSubnetwork(this, `subnet-${spec.region}`, {
        name: `${props.name}-${spec.region}`,
        region: spec.region,
        network: this.network.id,
        ipCidrRange: spec.subnetCidr,
        stackType: 'IPV4_ONLY',
        privateIpGoogleAccess: true,
        secondaryIpRange: [
          { rangeName: PODS_RANGE_NAME, ipCidrRange: spec.podsCidr },
          { rangeName: SERVICES_RANGE_NAME, ipCidrRange: spec.servicesCidr },
        ],
        logConfig: {
          aggregationInterval: 'INTERVAL_5_SEC',
          flowSampling: props.flowLogSampling,
          metadata: 'INCLUDE_ALL_METADATA',
        },
      });
    }
    this.subnets = subnets;
  }
}
