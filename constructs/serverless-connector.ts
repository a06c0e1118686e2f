import { VpcAccessConnector } from '@cdktf/provider-google/lib/vpc-access-connector';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface ServerlessConnectorProps {
  /** Connector name (up to 25 characters). */
  readonly name: string;
  readonly region: string;
  /** Network name. */
  readonly network: string;
  /** The connector's own /28. */
  readonly cidr: string;
  readonly machineType: string;
  readonly minInstances: number;
  readonly maxInstances: number;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** Serverless VPC Access connector: how Cloud Run reaches Cloud SQL, Redis and the inference ILB. */
export class ServerlessConnector extends Construct {
  readonly connector: VpcAccessConnector;

  constructor(scope: Construct, id: string, props: ServerlessConnectorProps) {
    super(scope, id);
    this.connector = new VpcAccessConnector(this, 'connector', {
      name: props.name,
      region: props.region,
      network: props.network,
      ipCidrRange: props.cidr,
      machineType: props.machineType,
      minInstances: props.minInstances,
      maxInstances: props.maxInstances,
      dependsOn: props.dependsOn,
    });
  }
}
