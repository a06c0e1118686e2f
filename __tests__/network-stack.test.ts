import { DefaultTokenResolver, StringConcat, Testing, Tokenization } from 'cdktf';
import { Construct } from 'constructs';
import { loadEnvironment } from '../config/load';
import { EnvironmentConfig } from '../config/schema';
import { NetworkStack } from '../stacks/network-stack';
import { loadVariant } from './support/env-files';
import { onlyResource, resourcesOf, SynthesizedStack, synthEnvironment } from './support/synth';

/** prod's connector ranges in us-central1, then in the DR region us-east1 (Cloud Run's VPC egress). */
const PROD_CONNECTOR_RANGES = ['10.8.0.0/28', '10.8.0.16/28'];

function named(stack: SynthesizedStack | undefined, type: string, name: string): Record<string, unknown> {
  const found = resourcesOf(stack, type).find((r) => r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
}

/** `value` with its tokens resolved as they would be synthesized in `scope`. */
function resolved(scope: Construct, value: unknown): unknown {
  return Tokenization.resolve(value, { scope, resolver: new DefaultTokenResolver(new StringConcat()) });
}

function variant(change: Record<string, unknown>) {
  const { loaded, problems } = loadVariant('dev', change);
  if (!loaded) throw new Error(problems?.join('\n'));
  return loaded.config;
}

/** The network stack alone (it reads no other stack), for config variants: faster than a whole app. */
function synthNetwork(config: EnvironmentConfig): SynthesizedStack {
  return JSON.parse(Testing.synth(new NetworkStack(Testing.app(), { config })));
}

describe('network stack', () => {
  const dev = synthEnvironment('dev').network;
  const prod = synthEnvironment('prod').network;
  const startup = synthEnvironment('dev', 'startup').network;

  it('enables the APIs it uses without disabling them on destroy', () => {
    expect(resourcesOf(prod, 'google_project_service')).toEqual(
      ['compute', 'servicenetworking', 'vpcaccess'].map((api) =>
        expect.objectContaining({ service: `${api}.googleapis.com`, disable_on_destroy: false }),
      ),
    );
  });

  it('creates a custom-mode VPC with global routing', () => {
    expect(onlyResource(prod, 'google_compute_network')).toEqual(
      expect.objectContaining({ name: 'afpi-vpc', auto_create_subnetworks: false, routing_mode: 'GLOBAL' }),
    );
  });

  it('creates a subnet per serving region with Private Google Access, flow logs and GKE ranges', () => {
    expect(named(prod, 'google_compute_subnetwork', 'afpi-vpc-us-central1')).toEqual(
      expect.objectContaining({
        region: 'us-central1',
        ip_cidr_range: '10.10.0.0/20',
        private_ip_google_access: true,
        stack_type: 'IPV4_ONLY',
        log_config: {
          aggregation_interval: 'INTERVAL_5_SEC',
          flow_sampling: 0.5,
          metadata: 'INCLUDE_ALL_METADATA',
        },
        secondary_ip_range: [
          { range_name: 'pods', ip_cidr_range: '10.16.0.0/14' },
          { range_name: 'services', ip_cidr_range: '10.12.0.0/20' },
        ],
      }),
    );
    expect(named(prod, 'google_compute_subnetwork', 'afpi-vpc-us-east1')).toEqual(
      expect.objectContaining({
        region: 'us-east1',
        ip_cidr_range: '10.11.0.0/20',
        secondary_ip_range: [
          { range_name: 'pods', ip_cidr_range: '10.20.0.0/14' },
          { range_name: 'services', ip_cidr_range: '10.12.16.0/20' },
        ],
      }),
    );
    expect(resourcesOf(dev, 'google_compute_subnetwork').map((s) => s.region)).toEqual(['us-central1']);
  });

  it('gives every serving region a Cloud Router and a NAT that logs errors', () => {
    expect(resourcesOf(prod, 'google_compute_router').map((r) => r.region)).toEqual([
      'us-central1',
      'us-east1',
    ]);
    expect(named(prod, 'google_compute_router_nat', 'afpi-nat-us-east1')).toEqual(
      expect.objectContaining({
        region: 'us-east1',
        nat_ip_allocate_option: 'AUTO_ONLY',
        source_subnetwork_ip_ranges_to_nat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
        enable_dynamic_port_allocation: true,
        log_config: { enable: true, filter: 'ERRORS_ONLY' },
      }),
    );
    expect(resourcesOf(dev, 'google_compute_router_nat')).toHaveLength(1);
  });

  it('reserves the private services access range and peers it with service networking', () => {
    expect(named(prod, 'google_compute_global_address', 'afpi-private-services')).toEqual(
      expect.objectContaining({
        purpose: 'VPC_PEERING',
        address_type: 'INTERNAL',
        address: '10.30.0.0',
        prefix_length: 16,
      }),
    );
    expect(onlyResource(prod, 'google_service_networking_connection')).toEqual(
      expect.objectContaining({
        service: 'servicenetworking.googleapis.com',
        reserved_peering_ranges: [
          expect.stringMatching(/^\$\{google_compute_global_address\.private-services.*\.name\}$/),
        ],
        deletion_policy: 'ABANDON',
      }),
    );
  });

  it('sizes the Serverless VPC Access connector from config, one per serving region', () => {
    expect(onlyResource(dev, 'google_vpc_access_connector')).toEqual(
      expect.objectContaining({
        name: 'afpi-run-primary',
        region: 'us-central1',
        ip_cidr_range: '10.8.0.0/28',
        machine_type: 'e2-micro',
        min_instances: 2,
        max_instances: 3,
      }),
    );
    expect(resourcesOf(prod, 'google_vpc_access_connector')).toEqual([
      expect.objectContaining({ region: 'us-central1', min_instances: 2, max_instances: 10 }),
      expect.objectContaining({ name: 'afpi-run-dr', region: 'us-east1', ip_cidr_range: '10.8.0.16/28' }),
    ]);
  });

  it('offers Direct VPC egress instead of the connector', () => {
    const config = variant({ network: { cloudRunEgress: 'direct-vpc' } });
    const direct = synthNetwork(config);
    expect(resourcesOf(direct, 'google_vpc_access_connector')).toEqual([]);
    expect(resourcesOf(direct, 'google_project_service').map((s) => s.service)).not.toContain(
      'vpcaccess.googleapis.com',
    );
    const stack = new NetworkStack(Testing.app(), { config });
    expect(stack.cloudRunEgress.mode).toBe('direct-vpc');
    expect(stack.cloudRunEgress.connector).toBeUndefined();
    expect(resolved(stack, stack.cloudRunEgress.vpcAccess)).toEqual({
      egress: 'PRIVATE_RANGES_ONLY',
      networkInterfaces: [
        {
          network: expect.stringMatching(/^\$\{google_compute_network\.vpc_network_.*\.name\}$/),
          subnetwork: expect.stringMatching(
            /^\$\{google_compute_subnetwork\.vpc_subnet-us-central1_.*\.name\}$/,
          ),
        },
      ],
    });
    expect(stack.cloudRunEgress.sourceRanges).toEqual(['10.10.0.0/20']);
  });

  it('denies ingress by default with logging and allows only our ranges and health checks', () => {
    expect(named(prod, 'google_compute_firewall', 'afpi-deny-all-ingress')).toEqual(
      expect.objectContaining({
        direction: 'INGRESS',
        priority: 65534,
        source_ranges: ['0.0.0.0/0'],
        deny: [{ protocol: 'all' }],
        log_config: { metadata: 'INCLUDE_ALL_METADATA' },
      }),
    );
    // Issue 21: no longer all TCP/UDP/ICMP from every internal range to every instance.
    expect(resourcesOf(prod, 'google_compute_firewall').map((f) => f.name)).not.toContain(
      'afpi-allow-internal',
    );
    expect(named(prod, 'google_compute_firewall', 'afpi-allow-serverless-inference')).toEqual(
      expect.objectContaining({
        priority: 1000,
        source_ranges: PROD_CONNECTOR_RANGES,
        target_tags: ['afpi-gke-node'],
        allow: [{ protocol: 'tcp', ports: ['8000', '8080', '8081'] }],
        log_config: { metadata: 'INCLUDE_ALL_METADATA' },
      }),
    );
    expect(named(prod, 'google_compute_firewall', 'afpi-allow-health-checks')).toEqual(
      expect.objectContaining({
        source_ranges: ['35.191.0.0/16', '130.211.0.0/22'],
        allow: [{ protocol: 'tcp', ports: ['80', '8000', '8080'] }],
      }),
    );
  });

  it('opens IAP SSH only when config turns it on', () => {
    const names = (stack: SynthesizedStack | undefined) =>
      resourcesOf(stack, 'google_compute_firewall').map((f) => f.name);
    expect(names(prod)).not.toContain('afpi-allow-iap-ssh');
    const withIap = synthNetwork(variant({ network: { iapSsh: true } }));
    expect(named(withIap, 'google_compute_firewall', 'afpi-allow-iap-ssh')).toEqual(
      expect.objectContaining({
        source_ranges: ['35.235.240.0/20'],
        allow: [{ protocol: 'tcp', ports: ['22'] }],
      }),
    );
  });

  it('reserves the global load balancer IP, and the inference ILB IP where the tier has inference', () => {
    expect(named(prod, 'google_compute_global_address', 'afpi-lb-ip')).toEqual(
      expect.objectContaining({ address_type: 'EXTERNAL', ip_version: 'IPV4' }),
    );
    expect(onlyResource(dev, 'google_compute_address')).toEqual(
      expect.objectContaining({
        name: 'afpi-inference-ilb-ip',
        region: 'us-central1',
        address_type: 'INTERNAL',
        purpose: 'SHARED_LOADBALANCER_VIP',
        subnetwork: expect.stringMatching(/^\$\{google_compute_subnetwork\.vpc_subnet-us-central1.*\.id\}$/),
      }),
    );
    expect(resourcesOf(startup, 'google_compute_address')).toEqual([]);
    expect(startup?.output).not.toHaveProperty('inference_ilb_ip_address');
  });

  it('outputs what people and other stacks need', () => {
    expect(Object.keys(prod?.output ?? {})).toEqual(
      expect.arrayContaining([
        'vpc_name',
        'vpc_self_link',
        'subnet_primary_self_link',
        'subnet_dr_self_link',
        'vpc_connector_primary_id',
        'vpc_connector_dr_id',
        'private_services_range_name',
        'lb_ip_address',
        'inference_ilb_ip_address',
      ]),
    );
    expect(Object.keys(dev?.output ?? {})).not.toContain('subnet_dr_self_link');
  });

  it('exposes typed members for downstream stacks', () => {
    const stack = new NetworkStack(Testing.app(), { config: loadEnvironment('prod').config });
    expect(stack.servingRegions.map((r) => [r.role, r.region])).toEqual([
      ['primary', 'us-central1'],
      ['dr', 'us-east1'],
    ]);
    expect(stack.dr?.podsRangeName).toBe('pods');
    expect(stack.primary.servicesRangeName).toBe('services');
    expect(stack.cloudRunEgress.mode).toBe('connector');
    expect(resolved(stack, stack.cloudRunEgress.vpcAccess)).toEqual({
      connector: expect.stringMatching(/^\$\{google_vpc_access_connector\.connector-us-central1_.*\.id\}$/),
      egress: 'PRIVATE_RANGES_ONLY',
    });
    expect(stack.dr?.cloudRunEgress.sourceRanges).toEqual(['10.8.0.16/28']);
    expect(stack.privateServicesRange).toBe('10.30.0.0/16');
    expect(stack.inferenceIlbAddress).toBeDefined();
  });
});
