import { ComputeRouter } from '@cdktf/provider-google/lib/compute-router';
import { ComputeRouterNat } from '@cdktf/provider-google/lib/compute-router-nat';
import { Construct } from 'constructs';

export interface CloudNatProps {
  readonly region: string;
  /** Network id or self link. */
  readonly network: string;
  /** Prefix of the router and NAT names; the region is appended. */
  readonly namePrefix: string;
}

/**
 * Cloud Router + Cloud NAT for one region: outbound internet for private GKE nodes and VPC egress, with
 * automatically allocated addresses, dynamic port allocation and error logging.
 */
export class CloudNat extends Construct {
  readonly router: ComputeRouter;
  readonly nat: ComputeRouterNat;

  constructor(scope: Construct, id: string, props: CloudNatProps) {
    super(scope, id);
    this.router = new ComputeRouter(this, 'router', {
      name: `${props.namePrefix}-router-${props.region}`,
      region: props.region,
      network: props.network,
    });
    this.nat = new ComputeRouterNat(this, 'nat', {
      name: `${props.namePrefix}-nat-${props.region}`,
      region: props.region,
      router: this.router.name,
      natIpAllocateOption: 'AUTO_ONLY',
      sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      // GPU nodes pulling large images open many connections; dynamic allocation grows ports per VM on demand.
      enableDynamicPortAllocation: true,
      enableEndpointIndependentMapping: false,
      minPortsPerVm: 64,
      maxPortsPerVm: 4096,
      logConfig: { enable: true, filter: 'ERRORS_ONLY' },
    });
  }
}
