import { gpuHourUsd, machineHourUsd, PriceLookupError, pricesAsOf, PRICE_TABLE } from '../cost/prices';
import { PRICERS } from '../cost/pricers';
import { Attrs, EnvironmentFacts, NotPriceable, PricingContext } from '../cost/pricers/types';
import { HOURS_PER_MONTH, SECONDS_PER_MONTH, TIER_USAGE, Usage } from '../cost/usage';

// Startup usage: 50K requests/day, 2/3 to the backend, 0.5 s per request, 10 requests per instance, 20 KiB.
const USAGE: Usage = TIER_USAGE.startup;
const REQUESTS = 50_000 * (730 / 24);
const FACTS: EnvironmentFacts = {
  vmsByRegion: { 'us-central1': 5 },
  globalForwardingRules: [
    'google_compute_global_forwarding_rule.http',
    'google_compute_global_forwarding_rule.https',
  ],
  httpsForwardingRules: 1,
  securityPolicies: 1,
  primaryServices: { frontend: 1, backend: 1 },
};

function ctx(overrides: Partial<PricingContext> = {}): PricingContext {
  return { region: 'us-central1', usage: USAGE, facts: FACTS, lookup: () => undefined, ...overrides };
}

function price(
  type: string,
  attrs: Attrs,
  options: { name?: string; stack?: string; ctx?: PricingContext } = {},
) {
  return PRICERS[type](
    { stack: options.stack ?? 'test', type, name: options.name ?? 'r', attrs },
    options.ctx ?? ctx(),
  );
}

describe('price table', () => {
  it('prices the primary and the DR region, each product with a source and a date', () => {
    expect(Object.keys(PRICE_TABLE)).toEqual(['us-central1', 'us-east1']);
    for (const region of Object.values(PRICE_TABLE)) {
      for (const product of Object.values(region)) {
        expect(product.source).toEqual({
          page: expect.any(String),
          url: expect.stringMatching(/^https:\/\/cloud\.google\.com\//),
          asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        });
      }
    }
    expect(pricesAsOf()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('names an unknown machine type and where to add it', () => {
    expect(() => machineHourUsd('n9-mega-64', 'us-central1')).toThrow(
      new PriceLookupError(
        'Machine type "n9-mega-64" has no price in us-central1. Fix: add it to compute.machineHourUsd in cost/prices.ts (GPU machines: catalog/gpus.ts), or use a priced machine type such as n1-standard-4',
      ),
    );
  });

  it('names an unknown GPU type and the priced ones', () => {
    expect(() => gpuHourUsd('nvidia-tesla-k80', 'us-central1')).toThrow(
      'GPU type "nvidia-tesla-k80" has no price. Fix: add it to catalog/gpus.ts, or use one of nvidia-tesla-t4, nvidia-l4, nvidia-tesla-v100, nvidia-tesla-a100, nvidia-a100-80gb, nvidia-h100-80gb',
    );
  });

  it('names a region without prices', () => {
    expect(() => machineHourUsd('e2-micro', 'europe-west1')).toThrow(
      'No price table for region "europe-west1". Fix: add its prices to PRICE_TABLE in cost/prices.ts (priced: us-central1, us-east1)',
    );
  });
});

describe('google_cloud_run_v2_service', () => {
  const backend = (resources: Attrs, location = 'us-central1') => ({
    name: 'afpi-backend',
    location,
    template: { scaling: { min_instance_count: 1 }, containers: [{ resources }] },
  });

  it('bills active time, idle min instances and requests (request-based billing)', () => {
    const requests = REQUESTS * 0.67;
    const active = (requests * 0.5) / 10;
    const expected =
      active * (2 * 0.000024 + 2 * 0.0000025) +
      (SECONDS_PER_MONTH - active) * (2 * 0.0000025 + 2 * 0.0000025) +
      (requests / 1e6) * 0.4;
    const estimate = price('google_cloud_run_v2_service', backend({ limits: { cpu: '2', memory: '2Gi' } }));
    expect(estimate.monthlyUsd).toBeCloseTo(expected, 6);
    expect(estimate.monthlyUsd).toBeCloseTo(28.88, 2);
    expect(estimate.basis).toContain('backend, 67% of requests');
  });

  it('bills all instance time without a request fee when CPU is always allocated', () => {
    const estimate = price(
      'google_cloud_run_v2_service',
      backend({ limits: { cpu: '1000m', memory: '512Mi' }, cpu_idle: false }),
    );
    expect(estimate.monthlyUsd).toBeCloseTo(SECONDS_PER_MONTH * (1 * 0.000018 + 0.5 * 0.000002), 6);
    expect(estimate.basis).toContain('instance-based billing');
  });

  it('gives a service in the standby region no traffic, only its idle min instances', () => {
    const estimate = price(
      'google_cloud_run_v2_service',
      backend({ limits: { cpu: '1', memory: '1Gi' } }, 'us-east1'),
    );
    expect(estimate.monthlyUsd).toBeCloseTo(SECONDS_PER_MONTH * (0.0000025 + 0.0000025), 6);
    expect(estimate.basis).toContain('standby region, no traffic');
  });

  it('gives the frontend the rest of the requests', () => {
    const frontend = {
      name: 'afpi-frontend',
      template: { containers: [{ resources: { limits: { cpu: '1', memory: '1Gi' } } }] },
    };
    const requests = REQUESTS * 0.33;
    const active = (requests * 0.5) / 10;
    expect(price('google_cloud_run_v2_service', frontend).monthlyUsd).toBeCloseTo(
      active * (0.000024 + 0.0000025) + (requests / 1e6) * 0.4,
      6,
    );
  });
});

describe('google_sql_database_instance', () => {
  const settings = {
    tier: 'db-n1-standard-2',
    availability_type: 'REGIONAL',
    disk_size: 50,
    backup_configuration: { enabled: true },
  };

  it('doubles compute and storage for REGIONAL HA and adds backups (seed: ~$200 for db-n1-standard-2 HA)', () => {
    const compute = 2 * 0.0413 + 7.5 * 0.007;
    const estimate = price('google_sql_database_instance', { region: 'us-central1', settings });
    expect(estimate.monthlyUsd).toBeCloseTo(compute * 2 * HOURS_PER_MONTH + 50 * 0.17 * 2 + 50 * 0.08, 6);
    expect(estimate.basis).toBe('db-n1-standard-2 @ $0.14/h x2 (REGIONAL HA), 50 GB SSD, ~50 GB backups');
  });

  it('prices a zonal cross-region replica once', () => {
    const estimate = price('google_sql_database_instance', {
      region: 'us-east1',
      master_instance_name: '${google_sql_database_instance.primary.name}',
      settings: { tier: 'db-custom-2-7680', disk_size: 50, disk_type: 'PD_HDD' },
    });
    expect(estimate.monthlyUsd).toBeCloseTo((2 * 0.0413 + 7.5 * 0.007) * HOURS_PER_MONTH + 50 * 0.09, 6);
    expect(estimate.basis).toMatch(/^replica, /);
  });

  it('prices shared-core tiers from their flat rate', () => {
    expect(
      price('google_sql_database_instance', { settings: { tier: 'db-g1-small' } }).monthlyUsd,
    ).toBeCloseTo(0.035 * HOURS_PER_MONTH + 10 * 0.17, 6);
  });

  it('refuses a tier and an edition it has no price for', () => {
    expect(() =>
      price('google_sql_database_instance', { settings: { tier: 'db-perf-optimized-N-8' } }),
    ).toThrow(
      'Cloud SQL tier "db-perf-optimized-N-8" has no price. Fix: use db-n1-standard-N, db-n1-highmem-N, db-custom-<vcpus>-<MB> or a shared-core tier (db-f1-micro, db-g1-small), or add it to cloudSql in cost/prices.ts',
    );
    expect(() =>
      price('google_sql_database_instance', {
        settings: { tier: 'db-n1-standard-2', edition: 'ENTERPRISE_PLUS' },
      }),
    ).toThrow(
      'Cloud SQL edition "ENTERPRISE_PLUS" has no price. Fix: add it to cloudSql in cost/prices.ts, or use edition ENTERPRISE',
    );
  });
});

describe('google_redis_instance', () => {
  it('prices per GB-hour by tier and capacity band', () => {
    expect(price('google_redis_instance', { tier: 'STANDARD_HA', memory_size_gb: 1 }).monthlyUsd).toBeCloseTo(
      0.064 * 730,
      6,
    );
    expect(price('google_redis_instance', { tier: 'BASIC', memory_size_gb: 5 }).monthlyUsd).toBeCloseTo(
      5 * 0.027 * 730,
      6,
    );
  });
});

describe('google_container_cluster', () => {
  it('charges the management fee ($0.10/h, seed: $73/month) for Standard and Autopilot', () => {
    expect(
      price('google_container_cluster', { location: 'us-central1', remove_default_node_pool: true }),
    ).toEqual({
      monthlyUsd: 73,
      basis: 'Standard management fee $0.10/h',
    });
    expect(price('google_container_cluster', { location: 'us-central1', enable_autopilot: true })).toEqual({
      monthlyUsd: 73,
      basis: 'Autopilot management fee $0.10/h; pods bill per resource request (not estimated)',
    });
  });

  it('adds the default node pool when it is kept', () => {
    const estimate = price('google_container_cluster', { location: 'us-central1', initial_node_count: 1 });
    expect(estimate.monthlyUsd).toBeCloseTo(73 + 3 * (0.033503 * 730 + 100 * 0.1), 6);
  });
});

describe('google_container_node_pool', () => {
  const t4Pool = (extra: Attrs) => ({
    name: 'gpu-small',
    location: 'us-central1',
    node_config: {
      machine_type: 'n1-standard-4',
      guest_accelerator: [{ type: 'nvidia-tesla-t4', count: 1 }],
    },
    ...extra,
  });
  const t4NodeMonth = (0.19 + 0.35) * 730 + 100 * 0.1;

  it('counts fixed nodes per zone over node_locations (seed T4 node: $0.54/h)', () => {
    const estimate = price(
      'google_container_node_pool',
      t4Pool({ node_count: 1, node_locations: ['us-central1-a', 'us-central1-b'] }),
    );
    expect(estimate.monthlyUsd).toBeCloseTo(2 * t4NodeMonth, 6);
    expect(estimate.basis).toBe(
      '2 nodes (1/zone, 2 zones) x n1-standard-4 + 1x nvidia-tesla-t4, 100 GB pd-balanced @ $0.55/h',
    );
  });

  it("uses the region's three default zones and the autoscaling minimum per zone", () => {
    expect(
      price('google_container_node_pool', t4Pool({ autoscaling: { min_node_count: 1, max_node_count: 5 } }))
        .monthlyUsd,
    ).toBeCloseTo(3 * t4NodeMonth, 6);
  });

  it('uses the total minimum, or the configured expected count', () => {
    const autoscaled = t4Pool({ autoscaling: { total_min_node_count: 1, total_max_node_count: 5 } });
    expect(price('google_container_node_pool', autoscaled).monthlyUsd).toBeCloseTo(t4NodeMonth, 6);
    const expected = ctx({ usage: { ...USAGE, expectedNodes: { 'gpu-small': 4 } } });
    const estimate = price('google_container_node_pool', autoscaled, { ctx: expected });
    expect(estimate.monthlyUsd).toBeCloseTo(4 * t4NodeMonth, 6);
    expect(estimate.basis).toMatch(/^4 nodes \(cost.expectedNodes.gpu-small, 3 zones\)/);
  });

  it('takes the spot discount on machine and GPUs, not on the disk', () => {
    const spot = t4Pool({ node_count: 1, location: 'us-central1-a' });
    (spot.node_config as Attrs).spot = true;
    expect(price('google_container_node_pool', spot).monthlyUsd).toBeCloseTo(
      (0.19 + 0.35) * 0.4 * 730 + 10,
      6,
    );
  });

  it('adds the GPUs an a2 machine comes with when the pool does not list them', () => {
    const estimate = price('google_container_node_pool', {
      location: 'us-central1-a',
      node_count: 1,
      node_config: { machine_type: 'a2-highgpu-2g', disk_size_gb: 200, disk_type: 'pd-ssd' },
    });
    expect(estimate.monthlyUsd).toBeCloseTo((1.48 + 2 * 2.93) * 730 + 200 * 0.17, 6);
  });

  it('reads zones from the cluster a pool points at', () => {
    const cluster = { location: 'us-central1', node_locations: ['us-central1-a', 'us-central1-b'] };
    const withCluster = ctx({
      lookup: (ref) => (ref === '${google_container_cluster.gke.id}' ? cluster : undefined),
    });
    const pool = {
      cluster: '${google_container_cluster.gke.id}',
      node_count: 1,
      node_config: { machine_type: 'e2-standard-4' },
    };
    expect(price('google_container_node_pool', pool, { ctx: withCluster }).monthlyUsd).toBeCloseTo(
      2 * (0.134012 * 730 + 10),
      6,
    );
  });

  it('throws the lookup message for an unknown machine or GPU type', () => {
    expect(() =>
      price('google_container_node_pool', { node_config: { machine_type: 'n9-mega-64' } }),
    ).toThrow('Machine type "n9-mega-64" has no price in us-central1.');
    expect(() =>
      price('google_container_node_pool', {
        node_config: {
          machine_type: 'n1-standard-4',
          guest_accelerator: [{ type: 'nvidia-tesla-k80', count: 1 }],
        },
      }),
    ).toThrow('GPU type "nvidia-tesla-k80" has no price.');
  });
});

describe('network pricers', () => {
  it('google_compute_router_nat: per VM of its region up to 32, plus data processed', () => {
    expect(price('google_compute_router_nat', { region: 'us-central1' }).monthlyUsd).toBeCloseTo(
      5 * 0.0014 * 730 + 10 * 0.045,
      6,
    );
    const crowded = ctx({ facts: { ...FACTS, vmsByRegion: { 'us-central1': 40 } } });
    expect(
      price('google_compute_router_nat', { region: 'us-central1' }, { ctx: crowded }).monthlyUsd,
    ).toBeCloseTo(0.044 * 730 + 10 * 0.045, 6);
  });

  it('google_vpc_access_connector: its minimum instances run all month', () => {
    expect(
      price('google_vpc_access_connector', { min_instances: 3, machine_type: 'e2-micro' }).monthlyUsd,
    ).toBeCloseTo(3 * 0.008376 * 730, 6);
    expect(price('google_vpc_access_connector', {}).basis).toBe('2 x e2-micro (min instances) @ $0.0084/h');
  });

  it('google_compute_global_forwarding_rule: shares the first-five fee; the HTTPS rule carries data and egress', () => {
    const http = price('google_compute_global_forwarding_rule', { port_range: '80' }, { name: 'http' });
    expect(http).toEqual({ monthlyUsd: (0.025 / 2) * 730, basis: '1 of 2 rules sharing $0.025/h' });
    const gib = (REQUESTS * 20) / 2 ** 20;
    const egress = gib - gib * 0.33 * 0.6;
    const https = price('google_compute_global_forwarding_rule', { port_range: '443' }, { name: 'https' });
    expect(https.monthlyUsd).toBeCloseTo((0.025 / 2) * 730 + gib * 0.008 + egress * 0.12, 6);
  });

  it('google_compute_global_forwarding_rule: a sixth rule pays its own fee', () => {
    const rules = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => `google_compute_global_forwarding_rule.${n}`);
    const many = ctx({ facts: { ...FACTS, globalForwardingRules: rules } });
    expect(
      price('google_compute_global_forwarding_rule', { port_range: '80' }, { name: 'f', ctx: many })
        .monthlyUsd,
    ).toBeCloseTo(0.01 * 730, 6);
  });

  it('google_compute_backend_service: free, except Cloud CDN lookups and cache egress', () => {
    expect(price('google_compute_backend_service', {}).monthlyUsd).toBe(0);
    const gib = (REQUESTS * 20) / 2 ** 20;
    expect(price('google_compute_backend_service', { enable_cdn: true }).monthlyUsd).toBeCloseTo(
      ((REQUESTS * 0.33) / 1e4) * 0.0075 + gib * 0.33 * 0.6 * 0.08,
      6,
    );
  });

  it('google_compute_security_policy: policy, rules and requests', () => {
    const estimate = price('google_compute_security_policy', { rule: [{}, {}, {}] });
    expect(estimate.monthlyUsd).toBeCloseTo(5 + 3 + (REQUESTS / 1e6) * 0.75, 6);
  });
});

describe('platform pricers', () => {
  it('google_kms_crypto_key: versions a year of rotation leaves enabled; HSM costs more', () => {
    expect(price('google_kms_crypto_key', { rotation_period: '7776000s' })).toEqual({
      monthlyUsd: 5 * 0.06,
      basis: '5 software key versions x $0.060 (after a year of 90-day rotation)',
    });
    expect(price('google_kms_crypto_key', { version_template: { protection_level: 'HSM' } }).monthlyUsd).toBe(
      1,
    );
  });

  it('google_secret_manager_secret: one version per replica location', () => {
    expect(price('google_secret_manager_secret', { replication: { auto: {} } }).monthlyUsd).toBeCloseTo(
      0.06,
      6,
    );
    const userManaged = {
      replication: { user_managed: { replicas: [{ location: 'us-central1' }, { location: 'us-east1' }] } },
    };
    expect(price('google_secret_manager_secret', userManaged).monthlyUsd).toBeCloseTo(0.12, 6);
  });

  it('google_storage_bucket: by location type and class; the state bucket holds about 1 GiB', () => {
    expect(price('google_storage_bucket', { location: 'US' }).monthlyUsd).toBeCloseTo(5 * 0.026, 6);
    expect(
      price('google_storage_bucket', { location: 'us-central1', storage_class: 'NEARLINE' }).monthlyUsd,
    ).toBeCloseTo(5 * 0.01, 6);
    expect(price('google_storage_bucket', { location: 'US' }, { stack: 'state' }).monthlyUsd).toBeCloseTo(
      0.026,
      6,
    );
  });

  it('google_logging_project_bucket_config: ingestion beyond 50 GiB and retention beyond 30 days', () => {
    expect(
      price('google_logging_project_bucket_config', { bucket_id: '_Default', retention_days: 90 }).monthlyUsd,
    ).toBeCloseTo((10 * 60 * 0.01) / (730 / 24), 6);
    const heavy = ctx({ usage: { ...USAGE, logsGiBPerMonth: 150 } });
    expect(
      price(
        'google_logging_project_bucket_config',
        { bucket_id: '_Default', retention_days: 30 },
        { ctx: heavy },
      ).monthlyUsd,
    ).toBeCloseTo(100 * 0.5, 6);
    expect(() => price('google_logging_project_bucket_config', { bucket_id: 'audit' })).toThrow(NotPriceable);
  });

  it('google_artifact_registry_repository: image storage beyond the free 0.5 GiB', () => {
    expect(price('google_artifact_registry_repository', {}).monthlyUsd).toBeCloseTo(4.5 * 0.1, 6);
  });
});
