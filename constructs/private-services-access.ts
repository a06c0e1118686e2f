import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ServiceNetworkingConnection } from '@cdktf/provider-google/lib/service-networking-connection';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { parseCidr } from '../config/cidr';

export interface PrivateServicesAccessProps {
  /** Network id. */
  readonly network: string;
  /** Name of the reserved range. */
  readonly name: string;
  /** The reserved range, e.g. `10.30.0.0/16` (validated by the config). */
  readonly cidr: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Private services access: an internal range reserved for Google-managed producers (Cloud SQL, Memorystore)
 * and the VPC peering to `servicenetworking.googleapis.com` that places them in it.
 */
export class PrivateServicesAccess extends Construct {
  readonly range: ComputeGlobalAddress;
  readonly connection: ServiceNetworkingConnection;

  constructor(scope: Construct, id: string, props: PrivateServicesAccessProps) {
    super(scope, id);
    const parsed = parseCidr(props.cidr);
    if (!parsed) throw new Error(`private services range ${props.cidr} is not a CIDR`);
    this.range = new ComputeGlobalAddress(this, 'range', {
      name: props.name,
      purpose: 'VPC_PEERING',
      addressType: 'INTERNAL',
      address: props.cidr.split('/')[0],
      prefixLength: parsed.prefixLength,
      network: props.network,
      dependsOn: props.dependsOn,
    });
    this.connection = new ServiceNetworkingConnection(this, 'connection', {
      network: props.network,
      service: 'servicenetworking.googleapis.com',
      reservedPeeringRanges: [this.range.name],
      // Deleting the peering fails while producers (SQL, Redis) still hold addresses; abandon it on destroy.
      deletionPolicy: 'ABANDON',
      dependsOn: props.dependsOn,
    });
  }
}
