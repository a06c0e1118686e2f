/**
 * Values a deploy would know only after apply (ids, self links, IPs), in the form the google provider itself
 * returns them, for the upstream outputs that a downstream stack's offline plan reads. A made-up shape would
 * hide exactly the errors the offline plan exists to catch (the provider's own format checks).
 */
import { parseCidr } from '../../config/cidr';
import { EnvironmentConfig } from '../../config/schema';

/** A resource's planned value of one attribute, unknown ones filled in with placeholders (undefined if none). */
export type AttributeOf = (attribute: string) => unknown;

type Format = (attr: AttributeOf, config: EnvironmentConfig) => unknown;

/** The `n`th address of an IPv4 range, e.g. host('10.30.0.0/16', 4) = 10.30.0.4. */
function host(cidr: string, n: number): string {
  const range = parseCidr(cidr);
  if (!range) throw new Error(`not an IPv4 CIDR range: ${cidr}`);
  const address = range.first + n;
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

const project = (attr: AttributeOf, config: EnvironmentConfig) => attr('project') ?? config.projectId;
const region = (attr: AttributeOf, config: EnvironmentConfig) => attr('region') ?? config.region;
/** The subnet range of the serving region a regional resource lives in. */
const subnetOf = (attr: AttributeOf, config: EnvironmentConfig) =>
  config.network[region(attr, config) === config.drRegion ? 'dr' : 'primary'].subnet;

/** Per resource type and attribute: the provider's format (its resource docs, "Attributes Reference" / import id). */
const FORMATS: Record<string, Record<string, Format>> = {
  google_compute_network: {
    id: (a, c) => `projects/${project(a, c)}/global/networks/${a('name')}`,
  },
  google_compute_subnetwork: {
    id: (a, c) => `projects/${project(a, c)}/regions/${region(a, c)}/subnetworks/${a('name')}`,
  },
  google_compute_address: {
    // Internal addresses come from the subnet's primary range; the first few are reserved by Google.
    address: (a, c) => (a('address_type') === 'EXTERNAL' ? '203.0.113.20' : host(subnetOf(a, c), 10)),
  },
  google_compute_global_address: {
    // TEST-NET-3 stands for an external address Google picks.
    address: () => '203.0.113.10',
  },
  google_vpc_access_connector: {
    id: (a, c) => `projects/${project(a, c)}/locations/${region(a, c)}/connectors/${a('name')}`,
  },
  google_kms_key_ring: {
    id: (a, c) => `projects/${project(a, c)}/locations/${a('location')}/keyRings/${a('name')}`,
  },
  google_kms_crypto_key: {
    id: (a) => `${a('key_ring')}/cryptoKeys/${a('name')}`,
  },
  google_redis_instance: {
    // PRIVATE_SERVICE_ACCESS: Memorystore takes its address from the private services range.
    host: (_, c) => host(c.network.privateServicesRange, 4),
    port: (a) => (a('transit_encryption_mode') === 'SERVER_AUTHENTICATION' ? 6378 : 6379),
    'server_ca_certs[0].cert': () =>
      '-----BEGIN CERTIFICATE-----\nMIIBplaceholderOfflinePlan\n-----END CERTIFICATE-----\n',
  },
  google_secret_manager_secret: {
    id: (a, c) => `projects/${project(a, c)}/secrets/${a('secret_id')}`,
  },
  google_sql_database_instance: {
    connection_name: (a, c) => `${project(a, c)}:${region(a, c)}:${a('name')}`,
    private_ip_address: (_, c) => host(c.network.privateServicesRange, 3),
  },
};

/**
 * The placeholder for `type`.`attribute` of a planned resource. Throws for a pair without a format, so a new
 * cross-stack output gets a real-shaped value instead of a silent guess.
 */
export function placeholder(
  type: string,
  attribute: string,
  attr: AttributeOf,
  config: EnvironmentConfig,
): unknown {
  const format = FORMATS[type]?.[attribute];
  if (!format) {
    throw new Error(
      `no placeholder format for ${type}.${attribute} (unknown until apply, read by a downstream stack). ` +
        'Fix: add the format the provider returns to FORMATS in scripts/offline-plan/placeholders.ts',
    );
  }
  return format(attr, config);
}
