import type { CloudRunV2ServiceTemplateVpcAccess } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { ComputeAddress } from '@cdktf/provider-google/lib/compute-address';
import { ComputeGlobalAddress } from '@cdktf/provider-google/lib/compute-global-address';
import { ComputeNetwork } from '@cdktf/provider-google/lib/compute-network';
import { ComputeSubnetwork } from '@cdktf/provider-google/lib/compute-subnetwork';
import { VpcAccessConnector } from '@cdktf/provider-google/lib/vpc-access-connector';
import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { CloudNat } from '../constructs/cloud-nat';
import { FirewallRules } from '../constructs/firewall-rules';
import { PrivateServicesAccess } from '../constructs/private-services-access';
import { ProjectServices } from '../constructs/project-services';
import { ServerlessConnector } from '../constructs/serverless-connector';
import { PODS_RANGE_NAME, SERVICES_RANGE_NAME, VpcNetwork } from '../constructs/vpc-network';
import { endpointsOf } from '../inference/values';
import { AfpiStack, AfpiStackProps } from './afpi-stack';

const NAME = 'afpi';

/** How Cloud Run services in one region reach the VPC. */
export interface CloudRunEgress {
  /** `connector`: Serverless VPC Access; `direct-vpc`: Direct VPC egress into the regional subnet. */
  readonly mode: 'connector' | 'direct-vpc';
  /** Ready-made `template.vpc_access` block for `google_cloud_run_v2_service` (private ranges only). */
  readonly vpcAccess: CloudRunV2ServiceTemplateVpcAccess;
  /** The connector, in `connector` mode. */
  readonly connector?: VpcAccessConnector;
  /** Addresses Cloud Run traffic arrives from inside the VPC (for network policies and firewall rules). */
  readonly sourceRanges: readonly string[];
}

/** One serving region's slice of the network. */
export interface ServingRegion {
  readonly role: 'primary' | 'dr';
  readonly region: string;
  /** The regional subnet (`name`, `selfLink`, `id`). */
  readonly subnet: ComputeSubnetwork;
  /** Secondary range name for GKE pods (`ip_allocation_policy.cluster_secondary_range_name`). */
  readonly podsRangeName: string;
  /** Secondary range name for GKE services (`ip_allocation_policy.services_secondary_range_name`). */
  readonly servicesRangeName: string;
  readonly cloudRunEgress: CloudRunEgress;
  readonly nat: CloudNat;
}

/**
 * The VPC every other stack runs in: subnets per serving region, NAT, private services access for Cloud SQL
 * and Memorystore, Cloud Run egress, firewall, and the load balancers' reserved addresses.
 */
export class NetworkStack extends AfpiStack {
  readonly apis: ProjectServices;
  readonly vpc: VpcNetwork;
  /** The VPC (`id`, `name`, `selfLink`). */
  readonly network: ComputeNetwork;
  readonly primary: ServingRegion;
  /** The DR region's slice, where the tier has disaster recovery. */
  readonly dr?: ServingRegion;
  /** Primary first, then DR if any. */
  readonly servingRegions: readonly ServingRegion[];
  /** Cloud Run egress of the primary region (same as `primary.cloudRunEgress`). */
  readonly cloudRunEgress: CloudRunEgress;
  /** Where Cloud Run traffic of every serving region arrives from: what services it calls must admit. */
  readonly cloudRunSourceRanges: readonly string[];
  /** Private services access: `range.name` for Cloud SQL/Redis allocated ranges, `connection` for dependsOn. */
  readonly privateServicesAccess: PrivateServicesAccess;
  /** The range reserved for private services access (CIDR). */
  readonly privateServicesRange: string;
  readonly firewall: FirewallRules;
  /** Global static external IPv4 for the HTTPS load balancer (`address`, `name`). */
  readonly lbAddress: ComputeGlobalAddress;
  /**
   * Internal IPv4 in the primary subnet for the inference internal load balancer (`address`, `name`), so the
   * Cloud Run backend gets its address without reading the inference stack. Shared VIP: vLLM and TGI services
   * may use it on different ports. Only where the tier has the inference stack.
   */
  readonly inferenceIlbAddress?: ComputeAddress;

  constructor(scope: Construct, props: AfpiStackProps) {
    super(scope, 'network', props);
    const { config } = props;
    const net = config.network;
    const useConnector = net.cloudRunEgress === 'connector';
    const regions = [
      { role: 'primary' as const, region: config.region, ranges: net.primary },
      ...(config.disasterRecovery && config.drRegion
        ? [{ role: 'dr' as const, region: config.drRegion, ranges: net.dr }]
        : []),
    ];

    this.apis = new ProjectServices(this, 'apis', {
      services: [
        'compute.googleapis.com',
        'servicenetworking.googleapis.com',
        ...(useConnector ? ['vpcaccess.googleapis.com'] : []),
      ],
    });
    const compute = [this.apis.services['compute.googleapis.com']];

    this.vpc = new VpcNetwork(this, 'vpc', {
      name: `${NAME}-vpc`,
      subnets: regions.map(({ region, ranges }) => ({
        region,
        subnetCidr: ranges.subnet,
        podsCidr: ranges.pods,
        servicesCidr: ranges.services,
      })),
      flowLogSampling: net.flowLogSampling,
      dependsOn: compute,
    });
    this.network = this.vpc.network;

    this.servingRegions = regions.map(({ role, region, ranges }): ServingRegion => {
      const subnet = this.vpc.subnets[region];
      const nat = new CloudNat(this, `nat-${region}`, { region, network: this.network.id, namePrefix: NAME });
      let cloudRunEgress: CloudRunEgress;
      if (useConnector) {
        const { connector } = new ServerlessConnector(this, `connector-${region}`, {
          name: `${NAME}-run-${role}`,
          region,
          network: this.network.name,
          cidr: ranges.connector,
          ...net.connector,
          dependsOn: this.apis.dependables,
        });
        cloudRunEgress = {
          mode: 'connector',
          connector,
          vpcAccess: { connector: connector.id, egress: 'PRIVATE_RANGES_ONLY' },
          sourceRanges: [ranges.connector],
        };
      } else {
        cloudRunEgress = {
          mode: 'direct-vpc',
          vpcAccess: {
            networkInterfaces: [{ network: this.network.name, subnetwork: subnet.name }],
            egress: 'PRIVATE_RANGES_ONLY',
          },
          sourceRanges: [ranges.subnet],
        };
      }
      return {
        role,
        region,
        subnet,
        podsRangeName: PODS_RANGE_NAME,
        servicesRangeName: SERVICES_RANGE_NAME,
        cloudRunEgress,
        nat,
      };
    });
    this.primary = this.servingRegions[0];
    this.dr = this.servingRegions.find((r) => r.role === 'dr');
    this.cloudRunEgress = this.primary.cloudRunEgress;
    this.cloudRunSourceRanges = this.servingRegions.flatMap((r) => r.cloudRunEgress.sourceRanges);

    this.privateServicesRange = net.privateServicesRange;
    this.privateServicesAccess = new PrivateServicesAccess(this, 'private-services-access', {
      network: this.network.id,
      name: `${NAME}-private-services`,
      cidr: net.privateServicesRange,
      dependsOn: this.apis.dependables,
    });

    this.firewall = new FirewallRules(this, 'firewall', {
      network: this.network.selfLink,
      namePrefix: NAME,
      serverlessRanges: this.servingRegions.flatMap((r) => r.cloudRunEgress.sourceRanges),
      inferencePorts: config.inference ? endpointsOf(config.inference).map((e) => e.port) : undefined,
      healthCheckPorts: net.healthCheckPorts,
      iapSsh: net.iapSsh,
    });

    this.lbAddress = new ComputeGlobalAddress(this, 'lb-address', {
      name: `${NAME}-lb-ip`,
      addressType: 'EXTERNAL',
      ipVersion: 'IPV4',
      description: 'Global HTTPS load balancer (frontend and api hosts)',
      dependsOn: compute,
    });
    if (config.stacks.includes('inference')) {
      this.inferenceIlbAddress = new ComputeAddress(this, 'inference-ilb-address', {
        name: `${NAME}-inference-ilb-ip`,
        region: config.region,
        subnetwork: this.primary.subnet.id,
        addressType: 'INTERNAL',
        purpose: 'SHARED_LOADBALANCER_VIP',
        description: 'Internal load balancer of the inference services (vLLM, TGI)',
      });
    }

    this.outputs();
  }

  private outputs(): void {
    new TerraformOutput(this, 'vpc_name', { value: this.network.name });
    new TerraformOutput(this, 'vpc_self_link', { value: this.network.selfLink });
    for (const r of this.servingRegions) {
      new TerraformOutput(this, `subnet_${r.role}_self_link`, {
        value: r.subnet.selfLink,
        description: `Subnet in ${r.region} (${r.role})`,
      });
      if (r.cloudRunEgress.connector) {
        new TerraformOutput(this, `vpc_connector_${r.role}_id`, { value: r.cloudRunEgress.connector.id });
      }
    }
    new TerraformOutput(this, 'private_services_range_name', {
      value: this.privateServicesAccess.range.name,
    });
    new TerraformOutput(this, 'lb_ip_address', {
      value: this.lbAddress.address,
      description: 'Point the DNS A records of the domain and api.<domain> here',
    });
    if (this.inferenceIlbAddress) {
      new TerraformOutput(this, 'inference_ilb_ip_address', { value: this.inferenceIlbAddress.address });
    }
  }
}
