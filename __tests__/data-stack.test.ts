import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { loadEnvironment } from '../config/load';
import { Grantee } from '../constructs/grantee';
import { DataStack } from '../stacks/data-stack';
import { NetworkStack } from '../stacks/network-stack';
import { onlyResource, resourcesOf, SynthesizedStack, synthEnvironment } from './support/synth';

const REMOTE_NETWORK =
  /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-network\.outputs\.cross-stack-output-/;

function named(stack: SynthesizedStack | undefined, type: string, name: string): Record<string, unknown> {
  const found = resourcesOf(stack, type).find((r) => r.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
}

/** The CMEK keys (not the attestor's signing key, binary-authorization.test.ts). */
const cmekKeys = (stack: SynthesizedStack | undefined) =>
  resourcesOf(stack, 'google_kms_crypto_key').filter((k) => k.purpose === 'ENCRYPT_DECRYPT');

/** CMEK key names by region, from the synthesized keys' rings. */
function keysByRing(stack: SynthesizedStack | undefined): string[] {
  return cmekKeys(stack)
    .map(
      (k) =>
        `${String(k.key_ring).replace(/^\$\{google_kms_key_ring\.keyring-([a-z0-9-]+)_ring_.*$/, '$1')}/${k.name}`,
    )
    .sort();
}

describe('data stack', () => {
  const prod = synthEnvironment('prod').data;
  const dev = synthEnvironment('dev').data;
  const startup = synthEnvironment('dev', 'startup').data;

  it('enables the APIs it uses without disabling them on destroy', () => {
    const services = (stack: SynthesizedStack | undefined) =>
      resourcesOf(stack, 'google_project_service').map((s) => {
        expect(s.disable_on_destroy).toBe(false);
        return s.service;
      });
    expect(services(prod)).toEqual([
      'binaryauthorization.googleapis.com',
      'cloudkms.googleapis.com',
      'container.googleapis.com',
      // Attestation is on in prod.
      'containeranalysis.googleapis.com',
      'redis.googleapis.com',
      'secretmanager.googleapis.com',
      'sqladmin.googleapis.com',
      'storage.googleapis.com',
    ]);
    expect(services(startup)).not.toContain('container.googleapis.com');
  });

  it('creates CMEK keys with 90-day rotation in each region that needs them', () => {
    expect(keysByRing(prod)).toEqual([
      'us-central1/buckets',
      'us-central1/gke',
      'us-central1/redis',
      'us-central1/sql',
      'us-east1/sql',
    ]);
    expect(keysByRing(dev)).toEqual([
      'us-central1/buckets',
      'us-central1/gke',
      'us-central1/redis',
      'us-central1/sql',
    ]);
    expect(keysByRing(startup)).toEqual(['us-central1/buckets', 'us-central1/redis', 'us-central1/sql']);
    expect(cmekKeys(prod).length).toBe(resourcesOf(prod, 'google_kms_crypto_key').length - 1);
    for (const key of cmekKeys(prod)) {
      expect(key).toEqual(
        expect.objectContaining({
          purpose: 'ENCRYPT_DECRYPT',
          rotation_period: '7776000s',
          version_template: { algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protection_level: 'SOFTWARE' },
          lifecycle: { prevent_destroy: true },
        }),
      );
    }
    expect(resourcesOf(prod, 'google_kms_key_ring').map((r) => [r.name, r.location])).toEqual([
      ['afpi', 'us-central1'],
      ['afpi', 'us-east1'],
    ]);
  });

  it('lets each Google service agent use its own key, once the APIs are on', () => {
    // The CMEK keys' grants (the attestor key's are in binary-authorization.test.ts).
    const grants = resourcesOf(prod, 'google_kms_crypto_key_iam_member').filter((g) =>
      /keyring-/.test(String(g.crypto_key_id)),
    );
    expect(grants).toHaveLength(5);
    const agentOf = (keyPattern: string) =>
      grants
        .filter((g) => new RegExp(`keyring-${keyPattern}_key`).test(String(g.crypto_key_id)))
        .map((g) => g.member);
    const project = '${data.google_project.service-agents_project_ACD9F4BF.number}';
    expect(agentOf('us-central1_sql')).toEqual([
      `serviceAccount:service-${project}@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
    ]);
    expect(agentOf('us-east1_sql')).toEqual([
      `serviceAccount:service-${project}@gcp-sa-cloud-sql.iam.gserviceaccount.com`,
    ]);
    expect(agentOf('us-central1_redis')).toEqual([
      `serviceAccount:service-${project}@cloud-redis.iam.gserviceaccount.com`,
    ]);
    expect(agentOf('us-central1_gke')).toEqual([
      `serviceAccount:service-${project}@container-engine-robot.iam.gserviceaccount.com`,
    ]);
    expect(agentOf('us-central1_buckets')).toEqual([
      expect.stringMatching(
        /^serviceAccount:\$\{data\.google_storage_project_service_account\..*\.email_address\}$/,
      ),
    ]);
    for (const grant of grants) {
      expect(grant.role).toBe('roles/cloudkms.cryptoKeyEncrypterDecrypter');
      expect(grant.depends_on).toEqual(
        expect.arrayContaining([expect.stringMatching(/^google_project_service\.apis_/)]),
      );
    }
    // The agents' addresses come from the project number (google_project_service_identity is beta-only).
    expect(Object.values(prod?.data?.google_project ?? {})).toEqual([
      expect.objectContaining({ project_id: 'afpi-production' }),
    ]);
  });

  it('runs Cloud SQL for MySQL 8 as the seed says: HA, private, TLS, backups, PITR, CMEK, protected', () => {
    const sql = named(prod, 'google_sql_database_instance', 'afpi-mysql');
    expect(sql).toEqual(
      expect.objectContaining({
        region: 'us-central1',
        database_version: 'MYSQL_8_0',
        deletion_protection: true,
        encryption_key_name: expect.stringMatching(
          /^\$\{google_kms_crypto_key\.keyring-us-central1_sql_key_.*\.id\}$/,
        ),
        depends_on: [
          expect.stringMatching(
            /^google_kms_crypto_key_iam_member\.service-agents_cloudsql-agent-encrypts-sql-us-central1_/,
          ),
          expect.stringMatching(/cloudsql-agent-encrypts-sql-us-east1_/),
        ],
      }),
    );
    expect(sql.settings).toEqual(
      expect.objectContaining({
        tier: 'db-n1-standard-2',
        edition: 'ENTERPRISE',
        availability_type: 'REGIONAL',
        disk_type: 'PD_SSD',
        disk_size: 50,
        disk_autoresize: true,
        deletion_protection_enabled: true,
        ip_configuration: {
          ipv4_enabled: false,
          private_network: expect.stringMatching(REMOTE_NETWORK),
          allocated_ip_range: expect.stringMatching(REMOTE_NETWORK),
          ssl_mode: 'ENCRYPTED_ONLY',
          enable_private_path_for_google_cloud_services: true,
        },
        backup_configuration: {
          enabled: true,
          start_time: '02:00',
          binary_log_enabled: true,
          transaction_log_retention_days: 7,
          backup_retention_settings: { retained_backups: 30, retention_unit: 'COUNT' },
        },
        maintenance_window: { day: 7, hour: 3, update_track: 'stable' },
        insights_config: {
          query_insights_enabled: true,
          query_string_length: 1024,
          record_application_tags: true,
          record_client_address: false,
        },
        database_flags: [
          { name: 'cloudsql_iam_authentication', value: 'on' },
          { name: 'local_infile', value: 'off' },
        ],
      }),
    );
    expect(named(dev, 'google_sql_database_instance', 'afpi-mysql').settings).toEqual(
      expect.objectContaining({ tier: 'db-custom-1-3840', disk_size: 20, availability_type: 'REGIONAL' }),
    );
  });

  it('creates the application database', () => {
    expect(onlyResource(prod, 'google_sql_database')).toEqual(
      expect.objectContaining({ name: 'afpi', charset: 'utf8mb4', collation: 'utf8mb4_0900_ai_ci' }),
    );
  });

  it('adds the cross-region standby replica only where configured, with its own region key', () => {
    expect(named(prod, 'google_sql_database_instance', 'afpi-mysql-replica')).toEqual(
      expect.objectContaining({
        region: 'us-east1',
        master_instance_name: expect.stringMatching(
          /^\$\{google_sql_database_instance\.mysql_instance_.*\.name\}$/,
        ),
        encryption_key_name: expect.stringMatching(
          /^\$\{google_kms_crypto_key\.keyring-us-east1_sql_key_.*\.id\}$/,
        ),
        deletion_protection: true,
        settings: expect.objectContaining({
          availability_type: 'ZONAL',
          deletion_protection_enabled: true,
          ip_configuration: expect.objectContaining({ ipv4_enabled: false, ssl_mode: 'ENCRYPTED_ONLY' }),
          database_flags: [
            { name: 'cloudsql_iam_authentication', value: 'on' },
            { name: 'local_infile', value: 'off' },
          ],
        }),
      }),
    );
    expect(prod?.output).toHaveProperty('sql_replica_connection_name');
    expect(resourcesOf(dev, 'google_sql_database_instance')).toHaveLength(1);
    expect(dev?.output).not.toHaveProperty('sql_replica_connection_name');
  });

  it('runs Memorystore for Redis HA on private services access with AUTH, TLS, RDB and CMEK', () => {
    expect(onlyResource(prod, 'google_redis_instance')).toEqual(
      expect.objectContaining({
        name: 'afpi-redis',
        region: 'us-central1',
        tier: 'STANDARD_HA',
        memory_size_gb: 1,
        redis_version: 'REDIS_7_2',
        connect_mode: 'PRIVATE_SERVICE_ACCESS',
        authorized_network: expect.stringMatching(REMOTE_NETWORK),
        reserved_ip_range: expect.stringMatching(REMOTE_NETWORK),
        auth_enabled: true,
        transit_encryption_mode: 'SERVER_AUTHENTICATION',
        persistence_config: { persistence_mode: 'RDB', rdb_snapshot_period: 'TWELVE_HOURS' },
        maintenance_policy: {
          weekly_maintenance_window: [{ day: 'SUNDAY', start_time: { hours: 4, minutes: 0 } }],
        },
        customer_managed_key: expect.stringMatching(
          /^\$\{google_kms_crypto_key\.keyring-us-central1_redis_key_.*\.id\}$/,
        ),
        depends_on: [expect.stringMatching(/redis-agent-encrypts-redis-us-central1_/)],
      }),
    );
  });

  it('keeps the Redis AUTH string out of outputs, in a secret for Cloud Run', () => {
    expect(onlyResource(prod, 'google_secret_manager_secret_version')).toEqual(
      expect.objectContaining({
        secret: expect.stringMatching(/^\$\{google_secret_manager_secret\.redis-auth_secret_.*\.id\}$/),
        secret_data: expect.stringMatching(/^\$\{google_redis_instance\..*\.auth_string\}$/),
      }),
    );
    expect(JSON.stringify(prod?.output)).not.toContain('auth_string');
  });

  it('lets the CI planner read the secrets plans refresh (:access): Redis AUTH, the inference API key; no other', () => {
    const planner = 'serviceAccount:afpi-planner@afpi-production.iam.gserviceaccount.com';
    const grants = resourcesOf(prod, 'google_secret_manager_secret_iam_member').filter(
      (m) => m.member === planner,
    );
    expect(grants).toEqual([
      expect.objectContaining({
        role: 'roles/secretmanager.secretAccessor',
        secret_id: expect.stringMatching(
          /^\$\{google_secret_manager_secret\.inference-api-key_secret_.*\.id\}$/,
        ),
      }),
      expect.objectContaining({
        role: 'roles/secretmanager.secretAccessor',
        secret_id: expect.stringMatching(/^\$\{google_secret_manager_secret\.redis-auth_secret_.*\.id\}$/),
      }),
    ]);
  });

  it('creates the inference API key secret only where inference runs, without a value', () => {
    const ids = (stack: typeof prod) =>
      resourcesOf(stack, 'google_secret_manager_secret').map((s) => s.secret_id);
    expect(ids(prod)).toContain('afpi-inference-api-key');
    expect(ids(dev)).toContain('afpi-inference-api-key');
    expect(ids(startup)).not.toContain('afpi-inference-api-key');
    expect(prod?.output?.secret_ids.value).toContainEqual(
      expect.stringMatching(/google_secret_manager_secret\.inference-api-key_secret_.*\.secret_id/),
    );
  });

  it('stores model artifacts in a versioned, private, CMEK bucket', () => {
    expect(onlyResource(prod, 'google_storage_bucket')).toEqual(
      expect.objectContaining({
        name: 'afpi-production-models',
        location: 'US-CENTRAL1',
        uniform_bucket_level_access: true,
        public_access_prevention: 'enforced',
        force_destroy: false,
        versioning: { enabled: true },
        encryption: {
          default_kms_key_name: expect.stringMatching(
            /^\$\{google_kms_crypto_key\.keyring-us-central1_buckets_key_.*\.id\}$/,
          ),
        },
        lifecycle_rule: [
          { action: { type: 'Delete' }, condition: { num_newer_versions: 5, with_state: 'ARCHIVED' } },
          { action: { type: 'Delete' }, condition: { days_since_noncurrent_time: 30 } },
        ],
        depends_on: [expect.stringMatching(/storage-agent-encrypts-buckets-us-central1_/)],
      }),
    );
  });

  it('creates secret containers for the LLM API keys and the HF token, without values', () => {
    const secrets = resourcesOf(prod, 'google_secret_manager_secret');
    expect(secrets.map((s) => s.secret_id).sort()).toEqual([
      'afpi-inference-api-key',
      'afpi-redis-auth',
      'hf-token',
      'openai-api-key',
      'xai-api-key',
    ]);
    // Values are added out of band; the only version Terraform writes is the Redis AUTH copy.
    expect(resourcesOf(prod, 'google_secret_manager_secret_version')).toHaveLength(1);
    for (const secret of secrets) {
      expect(secret.replication).toEqual({
        user_managed: { replicas: [{ location: 'us-central1' }, { location: 'us-east1' }] },
      });
    }
    for (const secret of resourcesOf(dev, 'google_secret_manager_secret')) {
      expect(secret.replication).toEqual({ user_managed: { replicas: [{ location: 'us-central1' }] } });
    }
  });

  it('outputs connection name, IPs, host/port, bucket, secret ids and key ids', () => {
    expect(Object.keys(prod?.output ?? {})).toEqual(
      expect.arrayContaining([
        'sql_connection_name',
        'sql_private_ip',
        'sql_database_name',
        'redis_host',
        'redis_port',
        'redis_auth_secret_id',
        'model_bucket_name',
        'secret_ids',
        'kms_key_ids',
      ]),
    );
    expect(prod?.output?.kms_key_ids.value).toEqual(
      expect.objectContaining({
        'sql-us-central1': expect.any(String),
        'sql-us-east1': expect.any(String),
        'gke-us-central1': expect.any(String),
      }),
    );
  });
});

describe('data stack grants', () => {
  const config = loadEnvironment('prod').config;
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'grants-'));
  const app = new App({ outdir, stackTraces: false });
  const network = new NetworkStack(app, { config });
  const data = new DataStack(app, { config, network });
  const consumer = new TerraformStack(app, 'consumer');
  new GoogleProvider(consumer, 'google', { project: config.projectId });
  const backend: Grantee = {
    member: 'serviceAccount:backend@afpi-production.iam.gserviceaccount.com',
    grantScope: consumer,
    grantId: 'backend',
  };
  data.sql.addIamServiceAccountUser(backend);
  data.secret('openai-api-key').grantAccess(backend);
  data.redisAuthSecret.grantAccess(backend);
  data.modelBucket.grantRead(backend);
  data.kmsKey('gke').grantEncryptDecrypt(backend);
  app.synth();
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const synthesized: SynthesizedStack = JSON.parse(
    fs.readFileSync(path.join(outdir, manifest.stacks.consumer.synthesizedStackPath), 'utf8'),
  );
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  it('makes a service account an IAM database user limited to this instance and its replica', () => {
    expect(onlyResource(synthesized, 'google_sql_user')).toEqual(
      expect.objectContaining({
        type: 'CLOUD_IAM_SERVICE_ACCOUNT',
        name: '${trimprefix("serviceAccount:backend@afpi-production.iam.gserviceaccount.com", "serviceAccount:")}',
      }),
    );
    const roles = resourcesOf(synthesized, 'google_project_iam_member');
    expect(roles.map((r) => r.role)).toEqual(['roles/cloudsql.client', 'roles/cloudsql.instanceUser']);
    for (const role of roles) {
      expect(role.member).toBe(backend.member);
      // Names known at synth time: `synth --hcl` cannot quote a cross-stack reference inside this string.
      expect((role.condition as { expression: string }).expression).toBe(
        'resource.type == "sqladmin.googleapis.com/Instance" && (resource.name == "projects/afpi-production/instances/afpi-mysql" || resource.name == "projects/afpi-production/instances/afpi-mysql-replica")',
      );
    }
  });

  it('grants secret, bucket and key access on the resource only, in the grantee stack', () => {
    expect(resourcesOf(synthesized, 'google_secret_manager_secret_iam_member')).toEqual([
      expect.objectContaining({ role: 'roles/secretmanager.secretAccessor', member: backend.member }),
      expect.objectContaining({ role: 'roles/secretmanager.secretAccessor', member: backend.member }),
    ]);
    expect(onlyResource(synthesized, 'google_storage_bucket_iam_member')).toEqual(
      expect.objectContaining({ role: 'roles/storage.objectViewer', member: backend.member }),
    );
    expect(onlyResource(synthesized, 'google_kms_crypto_key_iam_member')).toEqual(
      expect.objectContaining({ role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter', member: backend.member }),
    );
  });

  it('names missing keys and secrets', () => {
    expect(() => data.kmsKey('redis', 'us-east1')).toThrow(
      'the data stack has no "redis" KMS key in us-east1',
    );
    expect(() => data.secret('nope')).toThrow(
      'data.secrets has no "nope" (it has xai-api-key, openai-api-key, hf-token)',
    );
  });
});
