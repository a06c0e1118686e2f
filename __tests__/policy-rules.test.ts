import { AccessContextManagerServicePerimeter } from '@cdktf/provider-google/lib/access-context-manager-service-perimeter';
import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { BinaryAuthorizationPolicy } from '@cdktf/provider-google/lib/binary-authorization-policy';
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { CloudRunV2ServiceIamMember } from '@cdktf/provider-google/lib/cloud-run-v2-service-iam-member';
import { ComputeBackendService } from '@cdktf/provider-google/lib/compute-backend-service';
import { ComputeFirewall } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { ComputeSecurityPolicy } from '@cdktf/provider-google/lib/compute-security-policy';
import { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy';
import { ComputeTargetHttpProxy } from '@cdktf/provider-google/lib/compute-target-http-proxy';
import { ComputeTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-target-https-proxy';
import { ComputeUrlMap } from '@cdktf/provider-google/lib/compute-url-map';
import { ContainerCluster, ContainerClusterConfig } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool, ContainerNodePoolConfig } from '@cdktf/provider-google/lib/container-node-pool';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { LoggingProjectBucketConfig } from '@cdktf/provider-google/lib/logging-project-bucket-config';
import { MonitoringAlertPolicy } from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { ProjectIamPolicy } from '@cdktf/provider-google/lib/project-iam-policy';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { RedisInstance } from '@cdktf/provider-google/lib/redis-instance';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { ServiceAccountKey } from '@cdktf/provider-google/lib/service-account-key';
import {
  SqlDatabaseInstance,
  SqlDatabaseInstanceConfig,
} from '@cdktf/provider-google/lib/sql-database-instance';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { TerraformResource, TerraformStack } from 'cdktf';
import { PolicyConfig } from '../policy/rule';
import { RULES } from '../policy/rules';
import { KUBERNETES_CASES } from './support/kubernetes-policy-cases';
import { checkStack } from './support/policy-fixture';

// Compliant resources, built through the typed provider classes (so the attribute names the rules read are
// the ones cdktf synthesizes). Failing fixtures break one attribute, mostly through escape-hatch overrides.

const KEY = 'projects/p/locations/us-central1/keyRings/afpi/cryptoKeys/data';
const NETWORK = 'projects/p/global/networks/afpi';
const SA = 'nodes@p.iam.gserviceaccount.com';

const sql = (s: TerraformStack, config: Partial<SqlDatabaseInstanceConfig> = {}) =>
  new SqlDatabaseInstance(s, 'sql', {
    name: 'afpi',
    databaseVersion: 'MYSQL_8_0',
    region: 'us-central1',
    encryptionKeyName: KEY,
    deletionProtection: true,
    settings: {
      tier: 'db-custom-2-7680',
      availabilityType: 'REGIONAL',
      deletionProtectionEnabled: true,
      ipConfiguration: { ipv4Enabled: false, privateNetwork: NETWORK, sslMode: 'ENCRYPTED_ONLY' },
      backupConfiguration: {
        enabled: true,
        binaryLogEnabled: true,
        backupRetentionSettings: { retainedBackups: 30 },
      },
    },
    ...config,
  });

const replica = (s: TerraformStack) => {
  const instance = sql(s, { masterInstanceName: 'afpi', region: 'us-east1' });
  instance.addOverride('settings.backup_configuration', undefined);
  return instance;
};

const redis = (s: TerraformStack) =>
  new RedisInstance(s, 'redis', {
    name: 'afpi',
    memorySizeGb: 5,
    tier: 'STANDARD_HA',
    authEnabled: true,
    transitEncryptionMode: 'SERVER_AUTHENTICATION',
    connectMode: 'PRIVATE_SERVICE_ACCESS',
    authorizedNetwork: NETWORK,
  });

const bucket = (s: TerraformStack) =>
  new StorageBucket(s, 'bucket', {
    name: 'afpi-models',
    location: 'US',
    uniformBucketLevelAccess: true,
    publicAccessPrevention: 'enforced',
    versioning: { enabled: true },
  });

const service = (s: TerraformStack, ingress = 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER') =>
  new CloudRunV2Service(s, 'backend', {
    name: 'backend',
    location: 'us-central1',
    ingress,
    template: {
      serviceAccount: 'backend@p.iam.gserviceaccount.com',
      containers: [
        {
          name: 'api',
          image: 'us-docker.pkg.dev/p/afpi/backend:1',
          env: [
            { name: 'LOG_LEVEL', value: 'info' },
            {
              name: 'OPENAI_API_KEY',
              valueSource: { secretKeyRef: { secret: 'openai-api-key', version: 'latest' } },
            },
            { name: 'HF_TOKEN_SECRET_ID', value: 'hf-token' },
          ],
        },
      ],
    },
  });

const neg = (s: TerraformStack, run: CloudRunV2Service) =>
  new ComputeRegionNetworkEndpointGroup(s, 'neg', {
    name: 'backend',
    region: 'us-central1',
    networkEndpointType: 'SERVERLESS',
    cloudRun: { service: run.name },
  });

const publicInvoker = (s: TerraformStack, run: CloudRunV2Service) =>
  new CloudRunV2ServiceIamMember(s, 'public', {
    name: run.name,
    location: 'us-central1',
    role: 'roles/run.invoker',
    member: 'allUsers',
  });

const urlMap = (s: TerraformStack, id: string) =>
  new ComputeUrlMap(s, id, { name: id, defaultUrlRedirect: { httpsRedirect: true, stripQuery: false } });

const backend = (s: TerraformStack) =>
  new ComputeBackendService(s, 'backend-service', {
    name: 'backend',
    loadBalancingScheme: 'EXTERNAL_MANAGED',
    securityPolicy: 'projects/p/global/securityPolicies/afpi',
    logConfig: { enable: true, sampleRate: 1 },
  });

const EVERYONE = { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } };
/** WAF deny at 1000, a rate limit that allows clients under it at `ratePriority`, allow-all last. */
const armor = (ratePriority: number) => (s: TerraformStack) =>
  new ComputeSecurityPolicy(s, 'armor', {
    name: 'armor',
    rule: [
      {
        priority: 1000,
        action: 'deny(403)',
        match: { expr: { expression: "evaluatePreconfiguredWaf('sqli-v33-stable')" } },
      },
      {
        priority: ratePriority,
        action: 'rate_based_ban',
        match: EVERYONE,
        rateLimitOptions: {
          enforceOnKey: 'IP',
          rateLimitThreshold: { count: 600, intervalSec: 60 },
          banDurationSec: 300,
          conformAction: 'allow',
          exceedAction: 'deny(429)',
        },
      },
      { priority: 2147483647, action: 'allow', match: EVERYONE },
    ],
  });

const cluster = (s: TerraformStack, config: Partial<ContainerClusterConfig> = {}) =>
  new ContainerCluster(s, 'gke', {
    name: 'afpi',
    location: 'us-central1',
    removeDefaultNodePool: true,
    initialNodeCount: 1,
    privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: false },
    workloadIdentityConfig: { workloadPool: 'p.svc.id.goog' },
    datapathProvider: 'ADVANCED_DATAPATH',
    binaryAuthorization: { evaluationMode: 'PROJECT_SINGLETON_POLICY_ENFORCE' },
    databaseEncryption: { state: 'ENCRYPTED', keyName: KEY },
    releaseChannel: { channel: 'REGULAR' },
    deletionProtection: true,
    ...config,
  });

const pool = (s: TerraformStack, config: Partial<ContainerNodePoolConfig> = {}) =>
  new ContainerNodePool(s, 'gpu', {
    name: 'gpu',
    cluster: 'afpi',
    management: { autoRepair: true, autoUpgrade: true },
    nodeConfig: {
      machineType: 'g2-standard-8',
      serviceAccount: SA,
      workloadMetadataConfig: { mode: 'GKE_METADATA' },
      shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    },
    ...config,
  });

const grant = (s: TerraformStack, role: string) =>
  new ProjectIamMember(s, 'grant', { project: 'p', role, member: `serviceAccount:${SA}` });

const logBucket = (s: TerraformStack, retentionDays?: number) =>
  new LoggingProjectBucketConfig(s, 'default-logs', {
    project: 'p',
    location: 'global',
    bucketId: '_Default',
    retentionDays,
  });

const alert = (s: TerraformStack, notificationChannels?: string[]) =>
  new MonitoringAlertPolicy(s, 'latency', {
    displayName: 'p95 latency',
    combiner: 'OR',
    notificationChannels,
    conditions: [
      {
        displayName: 'p95 > 1s',
        conditionThreshold: { filter: 'metric.type="x"', comparison: 'COMPARISON_GT', duration: '300s' },
      },
    ],
  });

const key = (s: TerraformStack, rotationPeriod?: string) =>
  new KmsCryptoKey(s, 'key', {
    name: 'data',
    keyRing: 'projects/p/locations/us-central1/keyRings/afpi',
    rotationPeriod,
  });

const firewall = (
  s: TerraformStack,
  id: string,
  config: Partial<ConstructorParameters<typeof ComputeFirewall>[2]>,
) => new ComputeFirewall(s, id, { name: id, network: NETWORK, ...config });

const binauthz = (s: TerraformStack) =>
  new BinaryAuthorizationPolicy(s, 'binauthz', {
    globalPolicyEvaluationMode: 'ENABLE',
    defaultAdmissionRule: { evaluationMode: 'ALWAYS_DENY', enforcementMode: 'ENFORCED_BLOCK_AND_AUDIT_LOG' },
    admissionWhitelistPatterns: [{ namePattern: 'us-central1-docker.pkg.dev/p/afpi/**' }],
  });

const PERIMETER_CONFIG = {
  resources: ['projects/123456789012'],
  restrictedServices: ['storage.googleapis.com'],
};
const perimeter = (s: TerraformStack) =>
  new AccessContextManagerServicePerimeter(s, 'perimeter', {
    parent: 'accessPolicies/1',
    name: 'accessPolicies/1/servicePerimeters/afpi_prod',
    title: 'AFPI prod',
    useExplicitDryRunSpec: false,
    status: PERIMETER_CONFIG,
  });

/** Breaks a compliant resource with escape-hatch overrides (an `undefined` value removes the attribute). */
const broken =
  <T extends TerraformResource>(build: (s: TerraformStack) => T, overrides: Record<string, unknown>) =>
  (s: TerraformStack) => {
    const resource = build(s);
    for (const [path, value] of Object.entries(overrides)) resource.addOverride(path, value);
  };

interface Case {
  readonly rule: string;
  readonly pass: (s: TerraformStack) => void;
  /** Each builds one violation of the rule, by the path of `at`. */
  readonly fail: readonly ((s: TerraformStack) => void)[];
  readonly at: string;
  readonly config?: PolicyConfig;
}

const CASES: Case[] = [
  // Cloud SQL
  {
    rule: 'AFPI-SQL-1',
    at: 'fixture/sql',
    pass: sql,
    fail: [broken(sql, { 'settings.ip_configuration.ipv4_enabled': undefined })],
  },
  {
    rule: 'AFPI-SQL-2',
    at: 'fixture/sql',
    pass: sql,
    fail: [broken(sql, { 'settings.ip_configuration.private_network': undefined })],
  },
  {
    rule: 'AFPI-SQL-3',
    at: 'fixture/sql',
    pass: sql,
    fail: [broken(sql, { 'settings.ip_configuration.ssl_mode': 'ALLOW_UNENCRYPTED_AND_ENCRYPTED' })],
  },
  {
    rule: 'AFPI-SQL-4',
    at: 'fixture/sql',
    pass: sql,
    fail: [
      broken(sql, { 'settings.backup_configuration.enabled': false }),
      broken(sql, { 'settings.backup_configuration.backup_retention_settings.retained_backups': 3 }),
    ],
  },
  {
    rule: 'AFPI-SQL-5',
    at: 'fixture/sql',
    pass: (s) =>
      sql(s, { databaseVersion: 'POSTGRES_15' }).addOverride(
        'settings.backup_configuration.point_in_time_recovery_enabled',
        true,
      ),
    fail: [
      broken(sql, { 'settings.backup_configuration.binary_log_enabled': false }),
      (s) => sql(s, { databaseVersion: 'POSTGRES_15' }),
    ],
  },
  {
    rule: 'AFPI-SQL-6',
    at: 'fixture/sql',
    pass: sql,
    fail: [
      broken(sql, { deletion_protection: false }),
      broken(sql, { 'settings.deletion_protection_enabled': undefined }),
    ],
  },
  {
    rule: 'AFPI-SQL-7',
    at: 'fixture/sql',
    pass: sql,
    fail: [broken(sql, { encryption_key_name: undefined })],
  },
  {
    rule: 'AFPI-SQL-8',
    at: 'fixture/sql',
    pass: sql,
    fail: [broken(sql, { 'settings.availability_type': 'ZONAL' })],
  },
  // Memorystore Redis
  { rule: 'AFPI-REDIS-1', at: 'fixture/redis', pass: redis, fail: [broken(redis, { tier: 'BASIC' })] },
  { rule: 'AFPI-REDIS-2', at: 'fixture/redis', pass: redis, fail: [broken(redis, { auth_enabled: false })] },
  {
    rule: 'AFPI-REDIS-3',
    at: 'fixture/redis',
    pass: redis,
    fail: [broken(redis, { transit_encryption_mode: 'DISABLED' })],
  },
  {
    rule: 'AFPI-REDIS-4',
    at: 'fixture/redis',
    pass: redis,
    fail: [broken(redis, { connect_mode: 'DIRECT_PEERING' })],
  },
  // Buckets
  {
    rule: 'AFPI-GCS-1',
    at: 'fixture/bucket',
    pass: bucket,
    fail: [broken(bucket, { uniform_bucket_level_access: false })],
  },
  {
    rule: 'AFPI-GCS-2',
    at: 'fixture/bucket',
    pass: bucket,
    fail: [broken(bucket, { public_access_prevention: 'inherited' })],
  },
  {
    rule: 'AFPI-GCS-3',
    at: 'fixture/bucket',
    pass: bucket,
    fail: [broken(bucket, { versioning: undefined })],
  },
  { rule: 'AFPI-GCS-4', at: 'fixture/bucket', pass: bucket, fail: [broken(bucket, { force_destroy: true })] },
  // Cloud Run
  {
    rule: 'AFPI-RUN-1',
    at: 'fixture/backend',
    pass: (s) => neg(s, service(s)),
    fail: [
      (s) => neg(s, service(s, 'INGRESS_TRAFFIC_ALL')),
      (s) => {
        const run = service(s);
        run.addOverride('ingress', undefined); // unset means ALL
        neg(s, run);
      },
    ],
  },
  {
    rule: 'AFPI-RUN-2',
    at: 'fixture/public',
    pass: (s) => publicInvoker(s, service(s)),
    fail: [(s) => publicInvoker(s, service(s, 'INGRESS_TRAFFIC_ALL'))],
  },
  {
    rule: 'AFPI-RUN-3',
    at: 'fixture/backend',
    pass: service,
    fail: [
      broken(service, { 'template.containers.0.env.0': { name: 'DB_PASSWORD', value: 'hunter2hunter2' } }),
      broken(service, {
        'template.containers.0.env.0': { name: 'LLM', value: 'sk-proj-0123456789abcdefghij' },
      }),
      broken(service, {
        'template.containers.0.env.0': {
          name: 'HF',
          value: '${google_secret_manager_secret_version.hf.secret_data}',
        },
      }),
    ],
  },
  {
    rule: 'AFPI-RUN-4',
    at: 'fixture/backend',
    pass: service,
    fail: [
      broken(service, { 'template.service_account': undefined }),
      broken(service, { 'template.service_account': '123-compute@developer.gserviceaccount.com' }),
    ],
  },
  // Load balancer
  {
    rule: 'AFPI-LB-1',
    at: 'fixture/tls',
    pass: (s) => new ComputeSslPolicy(s, 'tls', { name: 'tls', profile: 'MODERN', minTlsVersion: 'TLS_1_2' }),
    fail: [(s) => new ComputeSslPolicy(s, 'tls', { name: 'tls', profile: 'MODERN' })],
  },
  {
    rule: 'AFPI-LB-2',
    at: 'fixture/https',
    pass: (s) =>
      new ComputeTargetHttpsProxy(s, 'https', {
        name: 'https',
        urlMap: 'm',
        sslPolicy: 'tls',
        sslCertificates: ['c'],
      }),
    fail: [
      (s) => new ComputeTargetHttpsProxy(s, 'https', { name: 'https', urlMap: 'm', sslCertificates: ['c'] }),
    ],
  },
  {
    rule: 'AFPI-LB-3',
    at: 'fixture/http',
    pass: (s) => new ComputeTargetHttpProxy(s, 'http', { name: 'http', urlMap: urlMap(s, 'redirect').id }),
    fail: [
      (s) =>
        new ComputeTargetHttpProxy(s, 'http', {
          name: 'http',
          urlMap: new ComputeUrlMap(s, 'serve', { name: 'serve', defaultService: 'b' }).id,
        }),
      (s) =>
        new ComputeTargetHttpProxy(s, 'http', {
          name: 'http',
          urlMap: 'projects/p/global/urlMaps/elsewhere',
        }),
    ],
  },
  {
    rule: 'AFPI-LB-4',
    at: 'fixture/backend-service',
    pass: backend,
    fail: [
      broken(backend, { security_policy: undefined }),
      broken(backend, { security_policy: undefined, load_balancing_scheme: undefined }),
    ],
  },
  {
    rule: 'AFPI-LB-5',
    at: 'fixture/backend-service',
    pass: backend,
    fail: [broken(backend, { 'log_config.enable': false })],
  },
  {
    rule: 'AFPI-LB-6',
    at: 'fixture/armor',
    pass: armor(2000),
    fail: [
      // Today's order before issue 21: the rate limit's conform action allowed every request before the WAF.
      armor(900),
      (s) => armor(2000)(s).addOverride('rule.2', { priority: 10, action: 'allow', match: EVERYONE }),
    ],
  },
  // GKE
  {
    rule: 'AFPI-GKE-1',
    at: 'fixture/gke',
    pass: cluster,
    fail: [broken(cluster, { 'private_cluster_config.enable_private_nodes': false })],
  },
  {
    rule: 'AFPI-GKE-2',
    at: 'fixture/gke',
    pass: cluster,
    fail: [broken(cluster, { workload_identity_config: undefined })],
  },
  {
    rule: 'AFPI-GKE-3',
    at: 'fixture/gke',
    pass: cluster,
    fail: [broken(cluster, { datapath_provider: undefined })],
  },
  {
    rule: 'AFPI-GKE-4',
    at: 'fixture/gke',
    pass: cluster,
    fail: [broken(cluster, { enable_shielded_nodes: false })],
  },
  {
    rule: 'AFPI-GKE-5',
    at: 'fixture/gke',
    pass: cluster,
    fail: [broken(cluster, { binary_authorization: undefined })],
  },
  {
    rule: 'AFPI-GKE-6',
    at: 'fixture/gke',
    pass: cluster,
    fail: [broken(cluster, { 'database_encryption.state': 'DECRYPTED' })],
  },
  {
    rule: 'AFPI-GKE-7',
    at: 'fixture/gke',
    pass: cluster,
    fail: [broken(cluster, { release_channel: undefined })],
  },
  {
    rule: 'AFPI-GKE-8',
    at: 'fixture/gke',
    pass: cluster,
    fail: [broken(cluster, { deletion_protection: false })],
  },
  {
    rule: 'AFPI-GKE-9',
    at: 'fixture/gpu',
    pass: pool,
    fail: [broken(pool, { 'management.auto_upgrade': false })],
  },
  {
    rule: 'AFPI-GKE-10',
    at: 'fixture/gpu',
    pass: pool,
    fail: [broken(pool, { 'node_config.workload_metadata_config.mode': 'GCE_METADATA' })],
  },
  {
    rule: 'AFPI-GKE-11',
    at: 'fixture/gpu',
    pass: pool,
    fail: [broken(pool, { 'node_config.shielded_instance_config': undefined })],
  },
  {
    rule: 'AFPI-GKE-12',
    at: 'fixture/gpu',
    pass: pool,
    fail: [
      broken(pool, { 'node_config.service_account': undefined }),
      broken(pool, { 'node_config.service_account': 'default' }),
    ],
  },
  {
    rule: 'AFPI-GKE-13',
    at: 'fixture/gke',
    pass: (s) =>
      cluster(s, {
        masterAuthorizedNetworksConfig: {
          cidrBlocks: [
            { displayName: 'vpn', cidrBlock: '10.0.0.0/8' },
            { displayName: 'office', cidrBlock: '203.0.113.0/24' },
          ],
        },
      }),
    fail: [
      (s) =>
        cluster(s, {
          masterAuthorizedNetworksConfig: { cidrBlocks: [{ displayName: 'all', cidrBlock: '0.0.0.0/0' }] },
        }),
      (s) =>
        cluster(s, {
          masterAuthorizedNetworksConfig: {
            cidrBlocks: [{ displayName: 'cloud', cidrBlock: '198.51.0.0/16' }],
          },
        }),
    ],
  },
  // Binary Authorization and VPC Service Controls
  {
    rule: 'AFPI-SEC-1',
    at: 'fixture/binauthz',
    pass: binauthz,
    fail: [
      broken(binauthz, { 'default_admission_rule.evaluation_mode': 'ALWAYS_ALLOW' }),
      broken(binauthz, {
        cluster_admission_rules: [
          {
            cluster: 'us-central1.afpi',
            evaluation_mode: 'ALWAYS_ALLOW',
            enforcement_mode: 'ENFORCED_BLOCK_AND_AUDIT_LOG',
          },
        ],
      }),
      ...[
        'gcr.io/**',
        'docker.io/*',
        'us-docker.pkg.dev/p/**',
        'us-central1-docker.pkg.dev/p/docker-hub/**',
      ].map((namePattern) =>
        broken(binauthz, { admission_whitelist_patterns: [{ name_pattern: namePattern }] }),
      ),
    ],
  },
  {
    rule: 'AFPI-SEC-2',
    at: 'fixture/binauthz',
    pass: binauthz,
    fail: [broken(binauthz, { 'default_admission_rule.enforcement_mode': 'DRYRUN_AUDIT_LOG_ONLY' })],
  },
  {
    rule: 'AFPI-SEC-3',
    at: 'fixture/perimeter',
    pass: perimeter,
    fail: [
      broken(perimeter, { use_explicit_dry_run_spec: true, status: undefined, spec: PERIMETER_CONFIG }),
      broken(perimeter, { status: undefined }),
    ],
  },
  // IAM
  {
    rule: 'AFPI-IAM-1',
    at: 'fixture/grant',
    pass: (s) => grant(s, 'roles/logging.logWriter'),
    fail: [(s) => grant(s, 'roles/editor'), (s) => grant(s, 'roles/owner')],
  },
  {
    rule: 'AFPI-IAM-2',
    at: 'fixture/grant',
    pass: (s) => {
      grant(s, 'roles/logging.logWriter');
      new SecretManagerSecretIamMember(s, 'secret-grant', {
        secretId: 'hf-token',
        role: 'roles/secretmanager.secretAccessor',
        member: `serviceAccount:${SA}`,
      });
    },
    fail: [(s) => grant(s, 'roles/secretmanager.secretAccessor')],
  },
  {
    rule: 'AFPI-IAM-3',
    at: 'fixture/grant',
    pass: (s) =>
      new ServiceAccountKey(s, 'grant', { serviceAccountId: SA, publicKeyData: 'LS0tLS1CRUdJTi...' }),
    fail: [(s) => new ServiceAccountKey(s, 'grant', { serviceAccountId: SA })],
  },
  // Observability
  {
    rule: 'AFPI-OBS-1',
    at: 'fixture/default-logs',
    pass: (s) => logBucket(s, 90),
    fail: [(s) => logBucket(s, 30), (s) => logBucket(s)],
  },
  {
    rule: 'AFPI-OBS-2',
    at: 'fixture/latency',
    pass: (s) => alert(s, ['projects/p/notificationChannels/1']),
    fail: [(s) => alert(s), (s) => alert(s, [])],
  },
  // KMS
  {
    rule: 'AFPI-KMS-1',
    at: 'fixture/key',
    pass: (s) => key(s, '7776000s'),
    fail: [(s) => key(s, '31536000s'), (s) => key(s)],
  },
  // Firewall
  {
    rule: 'AFPI-FW-1',
    at: 'fixture/open',
    pass: (s) => {
      firewall(s, 'open', {
        direction: 'INGRESS',
        sourceRanges: ['0.0.0.0/0'],
        deny: [{ protocol: 'all' }],
        priority: 65534,
      });
      firewall(s, 'lb', {
        sourceRanges: ['0.0.0.0/0'],
        allow: [{ protocol: 'tcp', ports: ['443'] }],
        targetTags: ['lb-backend'],
      });
      firewall(s, 'health', {
        sourceRanges: ['35.191.0.0/16', '130.211.0.0/22'],
        allow: [{ protocol: 'tcp' }],
      });
    },
    fail: [
      (s) =>
        firewall(s, 'open', { sourceRanges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['22'] }] }),
      (s) => firewall(s, 'open', { sourceRanges: ['10.0.0.0/8', '0.0.0.0/0'], allow: [{ protocol: 'all' }] }),
      (s) =>
        firewall(s, 'open', { sourceRanges: ['0.0.0.0/0'], allow: [{ protocol: 'tcp', ports: ['443'] }] }),
    ],
  }, // Kubernetes and Helm
  ...KUBERNETES_CASES,
];

describe('policy rules', () => {
  it('has at least 30 rules, each with a failing and a passing fixture', () => {
    expect(RULES.length).toBeGreaterThanOrEqual(30);
    expect(CASES.map((c) => c.rule).sort()).toEqual(RULES.map((r) => r.id).sort());
  });

  it('gives every rule a unique AFPI-<AREA>-<n> id, a one-line statement and a fix', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^AFPI-[A-Z][A-Z0-9]*-\d+$/);
      expect(rule.statement).toMatch(/^[A-Z][^\n]*[^.]$/);
      expect(rule.fix).toMatch(/^[^\n]*[^.]$/);
      expect(rule.resourceTypes.length).toBeGreaterThan(0);
    }
  });

  describe.each(CASES)('$rule', ({ rule: id, pass, fail, at, config }) => {
    const rule = RULES.find((r) => r.id === id)!;

    it('passes a compliant resource (and checks it)', () => {
      const report = checkStack(pass, { rules: [rule], config });
      expect(report.violations).toEqual([]);
      expect(report.checksPassed).toBeGreaterThan(0);
    });

    it.each(fail.map((build, i) => [i + 1, build] as const))(
      'fails breaking fixture %i at its construct path',
      (_i, build) => {
        const report = checkStack(build, { rules: [rule], config });
        expect(report.violations).toEqual([
          expect.objectContaining({
            ruleId: id,
            path: at,
            stack: 'fixture',
            message: expect.stringMatching(`^${id}: ${escape(rule.statement)}.*\\. Fix: `),
          }),
        ]);
      },
    );
  });
});

describe('rule scope', () => {
  const only = (id: string) => ({ rules: RULES.filter((r) => r.id === id) });
  const dev: PolicyConfig = { env: 'dev', tier: 'scale' };

  it('holds the availability rules only outside dev', () => {
    const zonal = broken(sql, { 'settings.availability_type': 'ZONAL' });
    expect(checkStack(zonal, { ...only('AFPI-SQL-8'), config: dev })).toEqual(
      expect.objectContaining({ violations: [], checksPassed: 0 }),
    );
    const basic = broken(redis, { tier: 'BASIC' });
    expect(checkStack(basic, { ...only('AFPI-REDIS-1'), config: dev }).violations).toEqual([]);
    expect(
      checkStack(basic, { ...only('AFPI-REDIS-1'), config: { env: 'staging', tier: 'scale' } }).violations,
    ).toHaveLength(1);
  });

  it('accepts attestation-required policies and image repositories through the mirrors (AFPI-SEC-1)', () => {
    const attested = broken(binauthz, {
      'default_admission_rule.evaluation_mode': 'REQUIRE_ATTESTATION',
      'default_admission_rule.require_attestations_by': ['projects/p/attestors/afpi-ci'],
      admission_whitelist_patterns: [
        { name_pattern: 'us-central1-docker.pkg.dev/p/docker-hub/vllm/vllm-openai:*' },
        { name_pattern: 'gcr.io/gke-release/custom-metrics-stackdriver-adapter:*' },
        { name_pattern: 'europe-docker.pkg.dev/shared-images/base/**' },
      ],
    });
    expect(checkStack(attested, only('AFPI-SEC-1'))).toEqual(
      expect.objectContaining({ violations: [], checksPassed: 1 }),
    );
    const wide = checkStack(
      broken(binauthz, { admission_whitelist_patterns: [{ name_pattern: 'ghcr.io/**' }] }),
      only('AFPI-SEC-1'),
    ).violations;
    expect(JSON.stringify(wide)).toContain('admits the whole registry ghcr.io');
  });

  it('refuses an allowlist entry naming our own repository when the policy requires attestation (AFPI-SEC-1)', () => {
    // Built whole: an override of admission_whitelist_patterns merges into the fixture's list.
    const policy =
      (pattern: string, evaluationMode = 'REQUIRE_ATTESTATION') =>
      (s: TerraformStack) =>
        new BinaryAuthorizationPolicy(s, 'binauthz', {
          globalPolicyEvaluationMode: 'ENABLE',
          defaultAdmissionRule: {
            evaluationMode,
            enforcementMode: 'ENFORCED_BLOCK_AND_AUDIT_LOG',
            requireAttestationsBy: ['projects/p/attestors/afpi-ci'],
          },
          admissionWhitelistPatterns: [{ namePattern: pattern }],
        });
    const repository = (s: TerraformStack, id: string, mode?: string) =>
      new ArtifactRegistryRepository(s, id, {
        repositoryId: id,
        location: 'us-central1',
        format: 'DOCKER',
        mode,
      });
    const check = (pattern: string, evaluationMode?: string) =>
      checkStack((s) => {
        policy(pattern, evaluationMode)(s);
        repository(s, 'afpi');
        repository(s, 'docker-hub', 'REMOTE_REPOSITORY');
      }, only('AFPI-SEC-1')).violations;
    expect(JSON.stringify(check('us-central1-docker.pkg.dev/p/afpi/frontend:*'))).toContain(
      'admission_whitelist_patterns (\\"us-central1-docker.pkg.dev/p/afpi/frontend:*\\") admits our repository us-central1-docker.pkg.dev/p/afpi without the attestation the default rule requires',
    );
    expect(check('us-central1-docker.pkg.dev/p/afpi/**')).toHaveLength(1);
    // A mirror's image, another project's repository, and our repository under ALWAYS_DENY (attestation off).
    expect(check('us-central1-docker.pkg.dev/p/docker-hub/vllm/vllm-openai:*')).toEqual([]);
    expect(check('us-central1-docker.pkg.dev/other/afpi/frontend:*')).toEqual([]);
    expect(check('us-central1-docker.pkg.dev/p/afpi/**', 'ALWAYS_DENY')).toEqual([]);
  });

  it('lets dev dry-run Binary Authorization and the perimeter, never admit any image', () => {
    const dryRun = broken(binauthz, { 'default_admission_rule.enforcement_mode': 'DRYRUN_AUDIT_LOG_ONLY' });
    expect(checkStack(dryRun, { ...only('AFPI-SEC-2'), config: dev }).violations).toEqual([]);
    const dryRunPerimeter = broken(perimeter, { use_explicit_dry_run_spec: true, status: undefined });
    expect(checkStack(dryRunPerimeter, { ...only('AFPI-SEC-3'), config: dev }).violations).toEqual([]);
    expect(
      checkStack(dryRunPerimeter, { ...only('AFPI-SEC-3'), config: { env: 'staging', tier: 'scale' } })
        .violations,
    ).toEqual([]);
    const open = broken(binauthz, { 'default_admission_rule.evaluation_mode': 'ALWAYS_ALLOW' });
    expect(checkStack(open, { ...only('AFPI-SEC-1'), config: dev }).violations).toHaveLength(1);
  });

  it('does not ask a read replica for its own backups, binary log or HA', () => {
    const rules = RULES.filter((r) => ['AFPI-SQL-4', 'AFPI-SQL-5', 'AFPI-SQL-8'].includes(r.id));
    expect(
      checkStack((s) => replica(s).addOverride('settings.availability_type', 'ZONAL'), { rules }),
    ).toEqual(expect.objectContaining({ violations: [], checksPassed: 0 }));
  });

  it('only asks for restricted ingress when a load balancer fronts the service', () => {
    expect(checkStack((s) => service(s, 'INGRESS_TRAFFIC_ALL'), only('AFPI-RUN-1'))).toEqual(
      expect.objectContaining({ violations: [], checksPassed: 0 }),
    );
  });

  it('treats a Cloud Run service with the invoker IAM check off like an allUsers grant', () => {
    const open = (ingress: string) => broken((s) => service(s, ingress), { invoker_iam_disabled: true });
    expect(checkStack(open('INGRESS_TRAFFIC_ALL'), only('AFPI-RUN-2')).violations).toHaveLength(1);
    expect(checkStack(open('INGRESS_TRAFFIC_INTERNAL_ONLY'), only('AFPI-RUN-2')).violations).toEqual([]);
  });

  it('checks the default node pool of a Standard cluster unless it is removed, and no pool of Autopilot', () => {
    const nodeRules = RULES.filter((r) => ['AFPI-GKE-9', 'AFPI-GKE-10', 'AFPI-GKE-11'].includes(r.id));
    expect(
      checkStack((s) => cluster(s, { removeDefaultNodePool: false }), { rules: nodeRules }).violations.map(
        (v) => v.ruleId,
      ),
    ).toEqual(['AFPI-GKE-10', 'AFPI-GKE-11']);
    expect(checkStack((s) => cluster(s), { rules: nodeRules }).checksPassed).toBe(0);
    const autopilot = (sa?: string) => (s: TerraformStack) =>
      cluster(s, {
        enableAutopilot: true,
        removeDefaultNodePool: undefined,
        initialNodeCount: undefined,
        datapathProvider: undefined,
        clusterAutoscaling: sa ? { autoProvisioningDefaults: { serviceAccount: sa } } : undefined,
      });
    expect(
      checkStack(autopilot(SA), { rules: RULES.filter((r) => r.id.startsWith('AFPI-GKE')) }).violations,
    ).toEqual([]);
    expect(checkStack(autopilot(), only('AFPI-GKE-12')).violations).toHaveLength(1);
  });

  it('reads the roles of an authoritative IAM policy document', () => {
    const policy = (role: string) => (s: TerraformStack) =>
      new ProjectIamPolicy(s, 'grant', {
        project: 'p',
        policyData: JSON.stringify({ bindings: [{ role, members: ['user:a@b.c'] }] }),
      });
    expect(checkStack(policy('roles/owner'), only('AFPI-IAM-1')).violations).toHaveLength(1);
    expect(checkStack(policy('roles/secretmanager.secretAccessor'), only('AFPI-IAM-1')).violations).toEqual(
      [],
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
