import {
  bandedUsd,
  gpuHourUsd,
  machineHourUsd,
  PriceLookupError,
  pricesAsOf,
  PRICE_TABLE,
} from '../cost/prices';
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
  serviceLoadBalancersByRegion: {},
  lbLogSampleRate: 0,
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
          ...(product.source.via ? { via: expect.stringMatching(/^https:\/\//) } : {}),
        });
      }
    }
    expect(pricesAsOf()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('dates each product by when its figures were read, not one date for the file', () => {
    const prices = PRICE_TABLE['us-central1'];
    expect(prices.loadBalancing.source.asOf).toBe('2026-09-20');
    expect(prices.cdn.source.asOf).toBe('2026-09-20');
    expect(prices.nat.source.asOf).toBe('2026-10-16');
    expect(prices.cloudSql.source.asOf).toBe('2026-11-26');
  });

  it('charges volume bands for the GiB that fall in each', () => {
    const bands = PRICE_TABLE['us-central1'].loadBalancing.internetEgressBands;
    expect(bandedUsd(100, bands)).toBeCloseTo(12, 6);
    expect(bandedUsd(2048, bands)).toBeCloseTo(1024 * 0.12 + 1024 * 0.11, 6);
    expect(bandedUsd(20480, bands)).toBeCloseTo(1024 * 0.12 + 9216 * 0.11 + 10240 * 0.08, 6);
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
    // 1M requests x 0.5 s over a month is 0.19 requests at once: each request keeps an instance active alone.
    const requests = REQUESTS * 0.67;
    const active = requests * 0.5;
    const expected =
      active * (2 * 0.000024 + 2 * 0.0000025) +
      (SECONDS_PER_MONTH - active) * (2 * 0.0000025 + 2 * 0.0000025) +
      (requests / 1e6) * 0.4;
    const estimate = price('google_cloud_run_v2_service', backend({ limits: { cpu: '2', memory: '2Gi' } }));
    expect(estimate.monthlyUsd).toBeCloseTo(expected, 6);
    expect(estimate.monthlyUsd).toBeCloseTo(48.6, 1);
    expect(estimate.basis).toContain('backend, 67% of requests');
    expect(estimate.basis).toContain('1 at once (mean concurrent, cap 48 = 60% of concurrency 80)');
  });

  it('shares instances by mean concurrent requests up to 60 % of the concurrency setting, or as configured', () => {
    const busy = ctx({ usage: { ...USAGE, requestsPerDay: 50_000_000 } });
    const service = (concurrency: number) => ({
      ...backend({ limits: { cpu: '1', memory: '1Gi' } }),
      template: {
        max_instance_request_concurrency: concurrency,
        containers: [{ resources: { limits: { cpu: '1', memory: '1Gi' } } }],
      },
    });
    // 50M/day x 0.67 x 0.5 s = ~194 requests at once: 400 x 0.6 = 240 caps above it, 80 x 0.6 = 48 below.
    const mean = (50_000_000 * (730 / 24) * 0.67 * 0.5) / SECONDS_PER_MONTH;
    expect(price('google_cloud_run_v2_service', service(400), { ctx: busy }).basis).toContain(
      `${+mean.toFixed(1)} at once (mean concurrent, cap 240 = 60% of concurrency 400)`,
    );
    expect(price('google_cloud_run_v2_service', service(80), { ctx: busy }).basis).toContain(
      '48 at once (mean concurrent, cap 48 = 60% of concurrency 80)',
    );
    const set = ctx({ usage: { ...USAGE, requestsSharingAnInstance: 10 } });
    expect(price('google_cloud_run_v2_service', service(400), { ctx: set }).basis).toContain(
      '10 at once (cost.requestsSharingAnInstance)',
    );
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
    const active = requests * 0.5;
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

  it('prices spot as a range: on-demand at the top, up to 91 % off machine and GPUs (not the disk)', () => {
    const spot = t4Pool({ node_count: 1, location: 'us-central1-a' });
    (spot.node_config as Attrs).spot = true;
    const estimate = price('google_container_node_pool', spot);
    expect(estimate.monthlyUsd).toBeCloseTo((0.19 + 0.35) * 730 + 10, 6);
    expect(estimate.minMonthlyUsd).toBeCloseTo((0.19 + 0.35) * 0.09 * 730 + 10, 6);
    expect(estimate.basis).toContain('spot (0-91% off on-demand)');
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
  it('google_compute_router_nat: per VM of its region up to 32, its external IPs, plus data processed', () => {
    expect(price('google_compute_router_nat', { region: 'us-central1' }).monthlyUsd).toBeCloseTo(
      5 * 0.0014 * 730 + 0.005 * 730 + 10 * 0.045,
      6,
    );
    const crowded = ctx({ facts: { ...FACTS, vmsByRegion: { 'us-central1': 40 } } });
    expect(
      price('google_compute_router_nat', { region: 'us-central1' }, { ctx: crowded }).monthlyUsd,
    ).toBeCloseTo(0.044 * 730 + 0.005 * 730 + 10 * 0.045, 6);
    // AUTO_ONLY: 40 VMs x 4096 minimum ports need 3 IPs of 64,512 ports; MANUAL_ONLY: the listed ones.
    const ports = { region: 'us-central1', min_ports_per_vm: 4096 };
    expect(price('google_compute_router_nat', ports, { ctx: crowded }).basis).toContain(
      '3 external IP x $0.0050/h',
    );
    expect(
      price('google_compute_router_nat', { region: 'us-central1', nat_ips: ['a', 'b'] }).basis,
    ).toContain('2 external IP');
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
    // Cache hits (33 % frontend x 0.6) are neither processed nor egressed by the load balancer.
    const gib = (REQUESTS * 20) / 2 ** 20;
    const fromOrigin = gib - gib * 0.33 * 0.6;
    const https = price('google_compute_global_forwarding_rule', { port_range: '443' }, { name: 'https' });
    expect(https.monthlyUsd).toBeCloseTo((0.025 / 2) * 730 + fromOrigin * 0.008 + fromOrigin * 0.12, 6);
    const heavy = ctx({ usage: { ...USAGE, requestsPerDay: 100_000_000 } });
    const heavyGib = (((100_000_000 * 730) / 24) * 20 * (1 - 0.33 * 0.6)) / 2 ** 20;
    expect(
      price('google_compute_global_forwarding_rule', { port_range: '443' }, { name: 'https', ctx: heavy })
        .monthlyUsd,
    ).toBeCloseTo(
      (0.025 / 2) * 730 + heavyGib * 0.008 + 1024 * 0.12 + 9216 * 0.11 + (heavyGib - 10240) * 0.08,
      6,
    );
  });

  it('google_compute_global_forwarding_rule: a sixth rule pays its own fee', () => {
    const rules = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => `google_compute_global_forwarding_rule.${n}`);
    const many = ctx({ facts: { ...FACTS, globalForwardingRules: rules } });
    expect(
      price('google_compute_global_forwarding_rule', { port_range: '80' }, { name: 'f', ctx: many })
        .monthlyUsd,
    ).toBeCloseTo(0.01 * 730, 6);
  });

  it('google_compute_backend_service: free, except Cloud CDN lookups, cache egress and cache fill', () => {
    expect(price('google_compute_backend_service', {}).monthlyUsd).toBe(0);
    const gib = (REQUESTS * 20) / 2 ** 20;
    expect(price('google_compute_backend_service', { enable_cdn: true }).monthlyUsd).toBeCloseTo(
      ((REQUESTS * 0.33) / 1e4) * 0.0075 + gib * 0.33 * 0.6 * 0.08 + gib * 0.33 * 0.4 * 0.01,
      6,
    );
  });

  it('google_compute_security_policy: policy, rules and the requests it evaluates (not CDN cache hits)', () => {
    const estimate = price('google_compute_security_policy', { rule: [{}, {}, {}] });
    expect(estimate.monthlyUsd).toBeCloseTo(5 + 3 + ((REQUESTS * (1 - 0.33 * 0.6)) / 1e6) * 0.75, 6);
    const edge = price('google_compute_security_policy', { type: 'CLOUD_ARMOR_EDGE', rule: [{}] });
    expect(edge.monthlyUsd).toBeCloseTo(5 + 1 + (REQUESTS / 1e6) * 0.75, 6);
    const adaptive = price('google_compute_security_policy', {
      adaptive_protection_config: { layer_7_ddos_defense_config: { enable: true } },
    });
    expect(adaptive.basis).toContain('Adaptive Protection on Standard: basic alerts only');
  });

  it('helm_release: internal load balancer forwarding rules of its LoadBalancer Services', () => {
    const values = ['service:\n  type: LoadBalancer\n  internal: true\n', 'other: 1\n'];
    const two = ctx({ facts: { ...FACTS, serviceLoadBalancersByRegion: { 'us-central1': 2 } } });
    const estimate = price('helm_release', { values }, { ctx: two });
    expect(estimate.monthlyUsd).toBeCloseTo((0.025 / 2) * 730, 6);
    expect(estimate.basis).toContain('1 internal load balancer forwarding rule');
    expect(price('helm_release', { values: ['replicas: 1\n'] }).monthlyUsd).toBe(0);
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
    // Startup: 10 GiB other logs + 1.5M requests x (1 Cloud Run + 0.5 load balancer entries) x 1 KiB.
    const logs = 10 + (REQUESTS * 1.5 * 1) / 2 ** 20;
    const sampled = ctx({ facts: { ...FACTS, lbLogSampleRate: 0.5 } });
    expect(
      price(
        'google_logging_project_bucket_config',
        { bucket_id: '_Default', retention_days: 90 },
        { ctx: sampled },
      ).monthlyUsd,
    ).toBeCloseTo((logs * 60 * 0.01) / (730 / 24), 6);
    const heavy = ctx({ usage: { ...USAGE, logsGiBPerMonth: 150 } });
    expect(
      price(
        'google_logging_project_bucket_config',
        { bucket_id: '_Default', retention_days: 30 },
        { ctx: heavy },
      ).monthlyUsd,
    ).toBeCloseTo((100 + REQUESTS / 2 ** 20) * 0.5, 6);
    expect(() => price('google_logging_project_bucket_config', { bucket_id: 'audit' })).toThrow(NotPriceable);
  });

  it('google_artifact_registry_repository: image storage beyond the free 0.5 GiB', () => {
    expect(price('google_artifact_registry_repository', {}).monthlyUsd).toBeCloseTo(4.5 * 0.1, 6);
  });
});
