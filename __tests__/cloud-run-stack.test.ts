import { loadVariant } from './support/env-files';
import { onlyResource, resourcesOf, SynthesizedStack, synthApp, synthEnvironment } from './support/synth';

type Attrs = Record<string, unknown>;

const prod = synthEnvironment('prod')['cloud-run'];
const dev = synthEnvironment('dev')['cloud-run'];
const startup = synthEnvironment('dev', 'startup')['cloud-run'];

/** Cloud Run services of `stack` named `name`, by region. */
function services(stack: SynthesizedStack | undefined, name: string): Record<string, Attrs> {
  return Object.fromEntries(
    resourcesOf(stack, 'google_cloud_run_v2_service')
      .filter((s) => s.name === name)
      .map((s) => [s.location as string, s]),
  );
}

function container(service: Attrs): Attrs {
  return (service.template as { containers: Attrs[] }).containers[0];
}

function envOf(service: Attrs): Record<string, unknown> {
  const env = container(service).env as { name: string; value?: string; value_source?: unknown }[];
  return Object.fromEntries(env.map((e) => [e.name, e.value ?? e.value_source]));
}

function named(stack: SynthesizedStack | undefined, type: string, name: string): Attrs {
  const found = resourcesOf(stack, type).filter((r) => r.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0];
}

const remote = (fragment: string) => expect.stringMatching(new RegExp(`terraform_remote_state.*${fragment}`));

describe('cloud-run stack: services', () => {
  const backend = services(prod, 'afpi-backend')['us-central1'];
  const frontend = services(prod, 'afpi-frontend')['us-central1'];

  it('runs both services in both serving regions where the tier has DR, in one region otherwise', () => {
    expect(Object.keys(services(prod, 'afpi-backend')).sort()).toEqual(['us-central1', 'us-east1']);
    expect(Object.keys(services(prod, 'afpi-frontend')).sort()).toEqual(['us-central1', 'us-east1']);
    expect(Object.keys(services(dev, 'afpi-backend'))).toEqual(['us-central1']);
    expect(Object.keys(services(dev, 'afpi-frontend'))).toEqual(['us-central1']);
  });

  it('accepts traffic only from the load balancer, on gen2, protected from deletion', () => {
    for (const service of [backend, frontend]) {
      expect(service).toEqual(
        expect.objectContaining({
          ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
          deletion_protection: true,
        }),
      );
      expect(service.template).toEqual(
        expect.objectContaining({ execution_environment: 'EXECUTION_ENVIRONMENT_GEN2', timeout: '300s' }),
      );
    }
  });

  it('sizes the services from the tier: seed sizes and concurrency, enterprise scaling', () => {
    expect(container(frontend).resources).toEqual({
      limits: { cpu: '1', memory: '1Gi' },
      cpu_idle: true,
      startup_cpu_boost: true,
    });
    expect(container(backend).resources).toEqual({
      limits: { cpu: '2', memory: '2Gi' },
      cpu_idle: true,
      startup_cpu_boost: true,
    });
    expect(frontend.template).toEqual(
      expect.objectContaining({
        max_instance_request_concurrency: 800,
        scaling: { min_instance_count: 2, max_instance_count: 30 },
      }),
    );
    expect(backend.template).toEqual(expect.objectContaining({ max_instance_request_concurrency: 400 }));
  });

  it('scales dev to zero with small instances', () => {
    const devFrontend = services(dev, 'afpi-frontend')['us-central1'];
    expect(devFrontend.template).toEqual(
      expect.objectContaining({ scaling: { min_instance_count: 0, max_instance_count: 3 } }),
    );
    expect(container(devFrontend).resources).toEqual(
      expect.objectContaining({ limits: { cpu: '1', memory: '512Mi' } }),
    );
  });

  it('probes the health path for startup and liveness', () => {
    expect(container(backend)).toEqual(
      expect.objectContaining({
        startup_probe: expect.objectContaining({ http_get: { path: '/health', port: 8080 } }),
        liveness_probe: expect.objectContaining({ http_get: { path: '/health', port: 8080 } }),
      }),
    );
    expect(container(frontend).startup_probe).toEqual(
      expect.objectContaining({ http_get: { path: '/api/health', port: 8080 } }),
    );
  });

  it('pulls the configured image from the stack repository', () => {
    expect(container(backend).image).toMatch(/-docker\.pkg\.dev\/afpi-production\/.*\/backend:0\.1\.0$/);
  });

  it('gives the frontend no VPC access: it calls the API through the load balancer (issue 21)', () => {
    for (const service of Object.values(services(prod, 'afpi-frontend'))) {
      expect(service.template).not.toHaveProperty('vpc_access');
    }
  });

  it('reaches the VPC through each region connector, private ranges only', () => {
    expect(backend.template).toEqual(
      expect.objectContaining({
        vpc_access: { connector: remote('connector-us-central1'), egress: 'PRIVATE_RANGES_ONLY' },
      }),
    );
    expect(services(prod, 'afpi-backend')['us-east1'].template).toEqual(
      expect.objectContaining({
        vpc_access: { connector: remote('connector-us-east1'), egress: 'PRIVATE_RANGES_ONLY' },
      }),
    );
  });

  it('mounts the Cloud SQL instance into the backend only', () => {
    expect(backend.template).toEqual(
      expect.objectContaining({
        volumes: [{ name: 'cloudsql', cloud_sql_instance: { instances: [remote('connection_name')] } }],
      }),
    );
    expect(container(backend).volume_mounts).toEqual([{ name: 'cloudsql', mount_path: '/cloudsql' }]);
    expect(frontend.template).not.toHaveProperty('volumes');
  });

  it('gives the backend database, Redis, inference and LLM routing settings as env', () => {
    expect(envOf(backend)).toEqual(
      expect.objectContaining({
        DB_INSTANCE_CONNECTION_NAME: remote('connection_name'),
        DB_USER: 'afpi-backend-run',
        DB_IAM_AUTH: 'true',
        REDIS_HOST: remote('redis.*host'),
        REDIS_PORT: remote('redis.*port'),
        INFERENCE_ENDPOINT: expect.stringMatching(
          /^http:\/\/\$\{data\.terraform_remote_state.*inference-ilb-address.*\}:8000\/v1$/,
        ),
        LLM_LOCAL_SHARE_PERCENT: '50',
        LLM_API_FALLBACK_ORDER: 'xai,openai',
      }),
    );
    expect(envOf(services(dev, 'afpi-backend')['us-central1']).LLM_LOCAL_SHARE_PERCENT).toBe('10');
  });

  it('gives the backend the inference API key as a Secret Manager reference (issue 21)', () => {
    for (const region of ['us-central1', 'us-east1']) {
      expect(envOf(services(prod, 'afpi-backend')[region]).INFERENCE_API_KEY).toEqual({
        secret_key_ref: {
          secret: remote('google_secret_manager_secretinference-api-key'),
          version: 'latest',
        },
      });
    }
    expect(envOf(frontend)).not.toHaveProperty('INFERENCE_API_KEY');
  });

  it('has no inference endpoint and no local share in a tier without the inference stack', () => {
    const env = envOf(services(startup, 'afpi-backend')['us-central1']);
    expect(env).not.toHaveProperty('INFERENCE_ENDPOINT');
    expect(env).not.toHaveProperty('INFERENCE_API_KEY');
    expect(env.LLM_LOCAL_SHARE_PERCENT).toBe('0');
  });

  it('passes secrets as Secret Manager references, never values', () => {
    const env = envOf(backend);
    for (const name of ['REDIS_AUTH', 'XAI_API_KEY', 'OPENAI_API_KEY']) {
      expect(env[name]).toEqual({ secret_key_ref: { secret: remote('secret_id'), version: 'latest' } });
    }
    expect(envOf(frontend)).toEqual({ API_BASE_URL: 'https://api.afpip.com' });
  });

  it('sends all traffic to the latest revision by default', () => {
    expect(backend.traffic).toEqual([{ type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 100 }]);
  });

  it('lets the load balancer invoke every service without a token, with the invoker check off, not allUsers', () => {
    const all = resourcesOf(prod, 'google_cloud_run_v2_service');
    expect(all).toHaveLength(4);
    for (const service of all) {
      expect(service).toEqual(
        expect.objectContaining({
          invoker_iam_disabled: true,
          ingress: 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER',
        }),
      );
    }
    expect(resourcesOf(prod, 'google_cloud_run_v2_service_iam_member')).toEqual([]);
  });
});

describe('cloud-run stack: rollout and Direct VPC egress', () => {
  const { loaded } = loadVariant('staging', {
    network: { cloudRunEgress: 'direct-vpc' },
    cloudRun: {
      backend: { revision: 'v2', traffic: [{ revision: 'v1', percent: 90 }, { percent: 10 }] },
    },
  });
  const stack = synthApp(loaded!.config)['cloud-run'];
  const backend = services(stack, 'afpi-backend')['us-central1'];

  it('names the new revision and pins the split from config', () => {
    expect(backend.template).toEqual(expect.objectContaining({ revision: 'afpi-backend-v2' }));
    expect(backend.traffic).toEqual([
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION', revision: 'afpi-backend-v1', percent: 90 },
      { type: 'TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST', percent: 10 },
    ]);
  });

  it('uses Direct VPC egress into the regional subnet when the network says so', () => {
    expect(backend.template).toEqual(
      expect.objectContaining({
        vpc_access: {
          network_interfaces: [{ network: remote('network'), subnetwork: remote('subnet') }],
          egress: 'PRIVATE_RANGES_ONLY',
        },
      }),
    );
  });
});

describe('cloud-run stack: identities and registry', () => {
  const projectRoles = (account: string) =>
    resourcesOf(prod, 'google_project_iam_member')
      .filter((m) => String(m.member).includes(`google_service_account.${account}`))
      .map((m) => m.role)
      .sort();

  it('gives each service its own account, used as the runtime identity', () => {
    const accounts = resourcesOf(prod, 'google_service_account').map((a) => a.account_id);
    expect(accounts.sort()).toEqual(['afpi-backend-run', 'afpi-frontend-run']);
    expect(services(prod, 'afpi-backend')['us-central1'].template).toEqual(
      expect.objectContaining({
        service_account: expect.stringMatching(/google_service_account\.backend-identity.*\.email/),
      }),
    );
  });

  it('lets the CI deployer act as each runtime account, not the project, before it deploys a revision (issue 21)', () => {
    const grants = resourcesOf(prod, 'google_service_account_iam_member');
    expect(grants.map((g) => g.service_account_id).sort()).toEqual([
      expect.stringMatching(/^\$\{google_service_account\.backend-identity_account_[A-F0-9]+\.name\}$/),
      expect.stringMatching(/^\$\{google_service_account\.frontend-identity_account_[A-F0-9]+\.name\}$/),
    ]);
    for (const grant of grants) {
      expect(grant).toEqual(
        expect.objectContaining({
          role: 'roles/iam.serviceAccountUser',
          member: 'serviceAccount:afpi-deployer@afpi-production.iam.gserviceaccount.com',
        }),
      );
    }
    for (const role of ['backend', 'frontend']) {
      expect(services(prod, `afpi-${role}`)['us-central1'].depends_on).toContainEqual(
        expect.stringMatching(new RegExp(`^google_service_account_iam_member\\.${role}-identity_act-as_`)),
      );
    }
  });

  it('lets the frontend write logs and metrics only', () => {
    expect(projectRoles('frontend-identity')).toEqual([
      'roles/logging.logWriter',
      'roles/monitoring.metricWriter',
    ]);
    expect(
      resourcesOf(prod, 'google_secret_manager_secret_iam_member').map((m) => m.member),
    ).not.toContainEqual(expect.stringContaining('frontend'));
  });

  it('lets the backend connect to Cloud SQL as an IAM user, read its secrets and write logs and metrics', () => {
    expect(projectRoles('backend-identity')).toEqual([
      'roles/cloudsql.client',
      'roles/cloudsql.instanceUser',
      'roles/logging.logWriter',
      'roles/monitoring.metricWriter',
    ]);
    expect(onlyResource(prod, 'google_sql_user')).toEqual(
      expect.objectContaining({ type: 'CLOUD_IAM_SERVICE_ACCOUNT', instance: remote('mysql') }),
    );
    const secretGrants = resourcesOf(prod, 'google_secret_manager_secret_iam_member');
    // Redis AUTH, the two LLM API keys, the inference API key.
    expect(secretGrants).toHaveLength(4);
    for (const grant of secretGrants) {
      expect(grant).toEqual(
        expect.objectContaining({ role: 'roles/secretmanager.secretAccessor', secret_id: remote('secret') }),
      );
    }
  });

  it('keeps images in an immutable Docker repository with cleanup policies, multi-region where the tier has DR', () => {
    const repository = onlyResource(prod, 'google_artifact_registry_repository');
    expect(repository).toEqual(
      expect.objectContaining({
        format: 'DOCKER',
        location: 'us',
        docker_config: { immutable_tags: true },
        cleanup_policy_dry_run: false,
        cleanup_policies: [
          {
            id: 'delete-untagged',
            action: 'DELETE',
            condition: { tag_state: 'UNTAGGED', older_than: '1209600s' },
          },
          { id: 'keep-recent', action: 'KEEP', most_recent_versions: { keep_count: 20 } },
        ],
      }),
    );
    expect(onlyResource(dev, 'google_artifact_registry_repository').location).toBe('us-central1');
  });

  it('enables the APIs it uses without disabling them on destroy', () => {
    const apis = resourcesOf(prod, 'google_project_service');
    expect(apis.map((a) => a.service).sort()).toEqual([
      'artifactregistry.googleapis.com',
      'containerscanning.googleapis.com',
      'iam.googleapis.com',
      'run.googleapis.com',
    ]);
    for (const api of apis) expect(api.disable_on_destroy).toBe(false);
  });
});

describe('cloud-run stack: load balancer', () => {
  it('puts one serverless NEG per service per serving region behind each backend service', () => {
    const negs = resourcesOf(prod, 'google_compute_region_network_endpoint_group');
    expect(negs.map((n) => `${n.name}`).sort()).toEqual([
      'afpi-backend-us-central1',
      'afpi-backend-us-east1',
      'afpi-frontend-us-central1',
      'afpi-frontend-us-east1',
    ]);
    for (const neg of negs) {
      expect(neg).toEqual(
        expect.objectContaining({
          network_endpoint_type: 'SERVERLESS',
          cloud_run: { service: expect.any(String) },
        }),
      );
    }
    expect(named(prod, 'google_compute_backend_service', 'afpi-backend').backend).toHaveLength(2);
    expect(named(dev, 'google_compute_backend_service', 'afpi-backend').backend).toHaveLength(1);
  });

  it('logs requests and enforces Cloud Armor on both backend services', () => {
    for (const name of ['afpi-frontend', 'afpi-backend']) {
      expect(named(prod, 'google_compute_backend_service', name)).toEqual(
        expect.objectContaining({
          load_balancing_scheme: 'EXTERNAL_MANAGED',
          log_config: { enable: true, sample_rate: 1 },
          security_policy: expect.stringMatching(/google_compute_security_policy\..*\.self_link/),
        }),
      );
    }
  });

  it('caches static frontend content in Cloud CDN, not the API', () => {
    expect(named(prod, 'google_compute_backend_service', 'afpi-frontend')).toEqual(
      expect.objectContaining({
        enable_cdn: true,
        cdn_policy: expect.objectContaining({
          cache_mode: 'CACHE_ALL_STATIC',
          negative_caching: true,
          serve_while_stale: 86400,
          default_ttl: 3600,
          max_ttl: 86400,
        }),
      }),
    );
    expect(named(prod, 'google_compute_backend_service', 'afpi-backend')).toEqual(
      expect.objectContaining({ enable_cdn: false }),
    );
  });

  it('routes the domain to the frontend and api.<domain> to the backend', () => {
    const urlMap = named(prod, 'google_compute_url_map', 'afpi-https');
    expect(urlMap.host_rule).toEqual([
      { hosts: ['afpip.com'], path_matcher: 'host-0' },
      { hosts: ['api.afpip.com'], path_matcher: 'host-1' },
    ]);
    expect(urlMap.path_matcher).toEqual([
      { name: 'host-0', default_service: expect.stringMatching(/frontend-backend_backend-service.*\.id/) },
      {
        name: 'host-1',
        default_service: expect.stringMatching(/backend-backend_backend-service.*\.id/),
        // The LLM endpoints (cloudRun.llmPaths) on a path rule of their own, same backend: metrics tell them apart.
        path_rule: [
          { paths: ['/chat/*'], service: expect.stringMatching(/backend-backend_backend-service.*\.id/) },
        ],
      },
    ]);
  });

  it('terminates TLS 1.2+ with a managed certificate per host', () => {
    const domains = resourcesOf(prod, 'google_compute_managed_ssl_certificate').map((c) => c.managed);
    expect(domains).toEqual([{ domains: ['afpip.com'] }, { domains: ['api.afpip.com'] }]);
    expect(onlyResource(prod, 'google_compute_ssl_policy')).toEqual(
      expect.objectContaining({ profile: 'MODERN', min_tls_version: 'TLS_1_2' }),
    );
    expect(onlyResource(prod, 'google_compute_target_https_proxy')).toEqual(
      expect.objectContaining({
        ssl_policy: expect.stringContaining('google_compute_ssl_policy'),
        ssl_certificates: [expect.any(String), expect.any(String)],
      }),
    );
  });

  it('listens on the network stack static IP: 443 for HTTPS, 80 only to redirect', () => {
    const https = named(prod, 'google_compute_global_forwarding_rule', 'afpi-https');
    const http = named(prod, 'google_compute_global_forwarding_rule', 'afpi-http');
    for (const [rule, port] of [
      [https, '443'],
      [http, '80'],
    ] as const) {
      expect(rule).toEqual(
        expect.objectContaining({
          load_balancing_scheme: 'EXTERNAL_MANAGED',
          port_range: port,
          ip_address: remote('lb-address'),
        }),
      );
    }
    expect(https.target).toMatch(/google_compute_target_https_proxy/);
    expect(named(prod, 'google_compute_url_map', 'afpi-http-redirect')).toEqual(
      expect.objectContaining({
        default_url_redirect: {
          https_redirect: true,
          redirect_response_code: 'MOVED_PERMANENTLY_DEFAULT',
          strip_query: false,
        },
      }),
    );
    expect(named(prod, 'google_compute_url_map', 'afpi-http-redirect')).not.toHaveProperty('default_service');
  });
});

describe('cloud-run stack: Cloud Armor', () => {
  type Rule = {
    priority: number;
    action: string;
    preview?: boolean;
    match: { expr?: { expression: string } };
  };
  const rules = (stack: SynthesizedStack | undefined) =>
    onlyResource(stack, 'google_compute_security_policy').rule as Rule[];

  it('evaluates the preconfigured WAF rules, enforced by default and in preview where configured', () => {
    const expressions = rules(prod)
      .map((r) => r.match.expr?.expression)
      .filter(Boolean);
    for (const ruleSet of ['sqli-v33-stable', 'xss-v33-stable', 'lfi-v33-stable', 'rce-v33-stable']) {
      expect(expressions).toContain(`evaluatePreconfiguredWaf('${ruleSet}', {'sensitivity': 1})`);
    }
    const waf = (stack: SynthesizedStack | undefined) => rules(stack).filter((r) => r.match.expr);
    expect(waf(prod).every((r) => r.action === 'deny(403)' && r.preview === false)).toBe(true);
    expect(waf(dev).every((r) => r.preview === true)).toBe(true);
  });

  it('rate-limits and bans abusive client IPs', () => {
    expect(rules(prod).find((r) => r.action === 'rate_based_ban')).toEqual(
      expect.objectContaining({
        rate_limit_options: {
          enforce_on_key: 'IP',
          rate_limit_threshold: { count: 600, interval_sec: 60 },
          ban_duration_sec: 300,
          conform_action: 'allow',
          exceed_action: 'deny(429)',
        },
      }),
    );
  });

  it('evaluates every WAF deny before the rate limit, whose conform action allows (issue 21)', () => {
    for (const stack of [prod, dev]) {
      const all = rules(stack);
      const rate = all.find((r) => r.action === 'rate_based_ban')!;
      const denies = all.filter((r) => r.action.startsWith('deny'));
      expect(denies).toHaveLength(9);
      expect(Math.max(...denies.map((r) => r.priority))).toBeLessThan(rate.priority);
    }
  });

  it('turns on adaptive protection and allows everything else last', () => {
    const policy = onlyResource(prod, 'google_compute_security_policy');
    expect(policy.adaptive_protection_config).toEqual({
      layer_7_ddos_defense_config: { enable: true, rule_visibility: 'STANDARD' },
    });
    const last = rules(prod).reduce((a, b) => (a.priority > b.priority ? a : b));
    expect(last).toEqual(expect.objectContaining({ priority: 2147483647, action: 'allow' }));
  });
});
