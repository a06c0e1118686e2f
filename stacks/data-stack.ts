import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { dependable, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { ciAccountEmail } from '../catalog/ci-roles';
import { sqlReplicaRegion } from '../config/sections/data';
import { BinaryAuthorizationPolicy } from '../constructs/binary-authorization-policy';
import { CloudSqlMysql } from '../constructs/cloud-sql-mysql';
import { ImageAttestor } from '../constructs/image-attestor';
import { KeyRing, KmsKey } from '../constructs/kms-keys';
import { ProjectServices } from '../constructs/project-services';
import { RedisCache } from '../constructs/redis-cache';
import { ManagedSecret } from '../constructs/secrets';
import { SecureBucket } from '../constructs/secure-bucket';
import { ServiceAgentName, ServiceAgents } from '../constructs/service-agents';
import { admittedImages } from './admitted-images';
import { AfpiStack, AfpiStackProps } from './afpi-stack';
import { NetworkStack } from './network-stack';

const NAME = 'afpi';
/** Secret Manager id of the inference engines' API key (value added out of band, like the data.secrets). */
export const INFERENCE_API_KEY_SECRET_ID = `${NAME}-inference-api-key`;

/** What each CMEK key encrypts, and the Google service agent that uses it. */
export const KEY_PURPOSES = ['sql', 'redis', 'buckets', 'gke'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];
const AGENT_OF: Record<KeyPurpose, ServiceAgentName> = {
  sql: 'cloudsql',
  redis: 'redis',
  buckets: 'storage',
  gke: 'gke',
};

export interface DataStackProps extends AfpiStackProps {
  readonly network: NetworkStack;
}

/**
 * Stateful services: CMEK keys, Cloud SQL for MySQL (with the DR standby where configured), Memorystore for
 * Redis, the model artifact bucket and the Secret Manager secrets; and the project's Binary Authorization
 * policy, here because it must exist before cloud-run and gke-gpu deploy anything it judges.
 */
export class DataStack extends AfpiStack {
  readonly apis: ProjectServices;
  /** Google service agents of Cloud SQL, Memorystore, GCS and GKE (as grantees). */
  readonly serviceAgents: ServiceAgents;
  /**
   * CMEK keys by region, then purpose: sql, redis, buckets (and gke with the gke-gpu stack) in the primary
   * region; sql in the DR region where the replica is. Use `kmsKey()` to fetch one.
   */
  readonly kmsKeys: Readonly<Record<string, Partial<Record<KeyPurpose, KmsKey>>>>;
  readonly sql: CloudSqlMysql;
  /** The application's database name. */
  readonly databaseName: string;
  readonly redis: RedisCache;
  /** Secret holding the Redis AUTH string (Terraform copies it from the instance; it is in state either way). */
  readonly redisAuthSecret: ManagedSecret;
  /** Model artifact bucket (`grantRead`). */
  readonly modelBucket: SecureBucket;
  /**
   * The key the inference engines require of callers (the backend sends it, the vLLM router too), present with
   * the inference section. Its value is added out of band; the inference stack copies it into a Kubernetes Secret.
   */
  readonly inferenceApiKeySecret?: ManagedSecret;
  /** Secrets from `data.secrets` by id (`grantAccess`); values are added out of band. */
  readonly secrets: Readonly<Record<string, ManagedSecret>>;
  /** The project's Binary Authorization policy (Cloud Run services and the GKE cluster are judged by it). */
  readonly binaryAuthorization: BinaryAuthorizationPolicy;
  /** The attestor CI signs our images with (security.binaryAuthorization.attestation). */
  readonly attestor?: ImageAttestor;

  constructor(scope: Construct, props: DataStackProps) {
    super(scope, 'data', props);
    const { config, network } = props;
    const { sql, redis } = config.data;
    const withGke = config.stacks.includes('gke-gpu');
    const drRegion = config.disasterRecovery ? config.drRegion : undefined;
    const replicaRegion = sqlReplicaRegion(config);

    this.apis = new ProjectServices(this, 'apis', {
      services: [
        'cloudkms.googleapis.com',
        'sqladmin.googleapis.com',
        'redis.googleapis.com',
        'secretmanager.googleapis.com',
        'storage.googleapis.com',
        'binaryauthorization.googleapis.com',
        // Attestations are Container Analysis occurrences of the attestor's note.
        ...(config.security.binaryAuthorization.attestation ? ['containeranalysis.googleapis.com'] : []),
        // The GKE service agent must exist before it can be granted the secrets-encryption key.
        ...(withGke ? ['container.googleapis.com'] : []),
      ],
    });
    this.serviceAgents = new ServiceAgents(this, 'service-agents', { projectId: config.projectId });

    // CMEK keys must sit in the region of what they encrypt: the replica needs its own region's key.
    const wanted: Record<string, KeyPurpose[]> = {
      [config.region]: ['sql', 'redis', 'buckets', ...(withGke ? ['gke' as const] : [])],
      ...(replicaRegion ? { [replicaRegion]: ['sql' as const] } : {}),
    };
    const kmsKeys: Record<string, Partial<Record<KeyPurpose, KmsKey>>> = {};
    // The agents' grants, which CMEK resources must wait for (without them creation fails at apply).
    const grants: Record<string, Partial<Record<KeyPurpose, KmsCryptoKeyIamMember>>> = {};
    const rings: Record<string, KeyRing> = {};
    for (const [region, purposes] of Object.entries(wanted)) {
      const ring = new KeyRing(this, `keyring-${region}`, {
        name: NAME,
        location: region,
        dependsOn: this.apis.dependables,
      });
      rings[region] = ring;
      kmsKeys[region] = {};
      grants[region] = {};
      for (const purpose of purposes) {
        const key = ring.addKey(purpose);
        const grant = key.grantEncryptDecrypt(this.serviceAgents.grantee(AGENT_OF[purpose]));
        // Service agents come into being when their API is enabled.
        grant.dependsOn = this.apis.dependables.map((d) => dependable(d));
        kmsKeys[region][purpose] = key;
        grants[region][purpose] = grant;
      }
    }
    this.kmsKeys = kmsKeys;
    const grantOf = (purpose: KeyPurpose, region: string = config.region) => grants[region][purpose]!;

    const psaRange = network.privateServicesAccess.range.name;
    this.databaseName = sql.databaseName;
    this.sql = new CloudSqlMysql(this, 'mysql', {
      projectId: config.projectId,
      name: `${NAME}-mysql`,
      region: config.region,
      databaseVersion: sql.databaseVersion,
      edition: sql.edition,
      tier: sql.tier,
      diskSizeGb: sql.diskSizeGb,
      network: network.network.id,
      allocatedIpRange: psaRange,
      kmsKeyName: this.kmsKey('sql').id,
      backupRetainedCount: sql.backupRetainedCount,
      logRetentionDays: sql.logRetentionDays,
      backupStartTime: sql.backupStartTime,
      maintenanceWindow: sql.maintenanceWindow,
      databaseName: sql.databaseName,
      replica: replicaRegion
        ? { region: replicaRegion, kmsKeyName: this.kmsKey('sql', replicaRegion).id }
        : undefined,
      dependsOn: [grantOf('sql'), ...(replicaRegion ? [grantOf('sql', replicaRegion)] : [])],
    });

    this.redis = new RedisCache(this, 'redis', {
      projectId: config.projectId,
      name: `${NAME}-redis`,
      region: config.region,
      tier: redis.tier,
      memorySizeGb: redis.memorySizeGb,
      redisVersion: redis.version,
      network: network.network.id,
      reservedIpRange: psaRange,
      kmsKeyName: this.kmsKey('redis').id,
      rdbSnapshotPeriod: redis.rdbSnapshotPeriod,
      maintenanceWindow: redis.maintenanceWindow,
      dependsOn: [grantOf('redis')],
    });

    const replicaRegions = [config.region, ...(drRegion ? [drRegion] : [])];
    this.redisAuthSecret = new ManagedSecret(this, 'redis-auth', {
      secretId: `${NAME}-redis-auth`,
      replicaRegions,
      description: 'Memorystore AUTH string (copied from the instance by Terraform)',
      valueFromState: this.redis.instance.authString,
      dependsOn: this.apis.dependables,
    });
    // Refreshing the version is an `:access` call (google 6.50): pull request plans read this secret, no other.
    this.redisAuthSecret.grantAccess({
      member: `serviceAccount:${ciAccountEmail('planner', config.projectId)}`,
      grantScope: this,
      grantId: 'ci-planner',
    });
    if (config.inference) {
      this.inferenceApiKeySecret = new ManagedSecret(this, 'inference-api-key', {
        secretId: INFERENCE_API_KEY_SECRET_ID,
        replicaRegions,
        description: 'API key of the inference engines (vLLM, TGI); the backend sends it',
        dependsOn: this.apis.dependables,
      });
      // Pull request plans of inference refresh its copy into Kubernetes (a data source read, `:access`).
      this.inferenceApiKeySecret.grantAccess({
        member: `serviceAccount:${ciAccountEmail('planner', config.projectId)}`,
        grantScope: this,
        grantId: 'ci-planner',
      });
    }
    const secrets: Record<string, ManagedSecret> = {};
    for (const { id, description } of config.data.secrets) {
      secrets[id] = new ManagedSecret(this, `secret-${id}`, {
        secretId: id,
        replicaRegions,
        description,
        dependsOn: this.apis.dependables,
      });
    }
    this.secrets = secrets;

    const bucket = config.data.modelBucket;
    this.modelBucket = new SecureBucket(this, 'models', {
      name: bucket.name ?? `${config.projectId}-models`,
      location: config.region.toUpperCase(),
      noncurrentVersionsKept: bucket.noncurrentVersionsKept,
      noncurrentVersionMaxAgeDays: bucket.noncurrentVersionMaxAgeDays,
      kmsKeyName: this.kmsKey('buckets').id,
      dependsOn: [grantOf('buckets')],
    });

    if (config.security.binaryAuthorization.attestation) {
      this.attestor = new ImageAttestor(this, 'image-attestor', {
        projectId: config.projectId,
        name: `${NAME}-ci`,
        keyRing: rings[config.region].keyRing.id,
        dependsOn: this.apis.dependables,
      });
      // The deploy workflow signs each release before cloud-run applies; plans refresh the attestor.
      this.attestor.grantSign({
        member: `serviceAccount:${ciAccountEmail('deployer', config.projectId)}`,
        grantScope: this,
        grantId: 'ci-deployer',
      });
      this.attestor.grantRead({
        member: `serviceAccount:${ciAccountEmail('planner', config.projectId)}`,
        grantScope: this,
        grantId: 'ci-planner',
      });
    }
    this.binaryAuthorization = new BinaryAuthorizationPolicy(this, 'binary-authorization', {
      mode: config.security.binaryAuthorization.mode,
      allowlist: admittedImages(config),
      requireAttestationsBy: this.attestor ? [this.attestor.attestorName] : [],
      // The attestor is named, not referenced (see ImageAttestor.attestorName): it must exist first.
      dependsOn: [
        this.apis.services['binaryauthorization.googleapis.com'],
        ...(this.attestor ? [this.attestor.attestor] : []),
      ],
    });

    this.outputs();
  }

  /** The CMEK key for `purpose` in `region` (default: the primary region); throws when this stack has none. */
  kmsKey(purpose: KeyPurpose, region: string = this.config.region): KmsKey {
    const key = this.kmsKeys[region]?.[purpose];
    if (!key) throw new Error(`the data stack has no "${purpose}" KMS key in ${region}`);
    return key;
  }

  /** The secret `id` from `data.secrets`; throws naming the configured ids when it is missing. */
  secret(id: string): ManagedSecret {
    const secret = this.secrets[id];
    if (!secret) {
      throw new Error(`data.secrets has no "${id}" (it has ${Object.keys(this.secrets).join(', ')})`);
    }
    return secret;
  }

  private outputs(): void {
    new TerraformOutput(this, 'sql_connection_name', { value: this.sql.connectionName });
    new TerraformOutput(this, 'sql_private_ip', { value: this.sql.privateIpAddress });
    new TerraformOutput(this, 'sql_database_name', { value: this.sql.database.name });
    if (this.sql.replica) {
      new TerraformOutput(this, 'sql_replica_connection_name', {
        value: this.sql.replica.connectionName,
        description: 'Passive standby; promote it on regional failover',
      });
    }
    new TerraformOutput(this, 'redis_host', { value: this.redis.host });
    new TerraformOutput(this, 'redis_port', { value: this.redis.port });
    new TerraformOutput(this, 'redis_auth_secret_id', {
      value: this.redisAuthSecret.secretId,
      description: 'The AUTH string itself is never output; read it from this secret',
    });
    new TerraformOutput(this, 'model_bucket_name', { value: this.modelBucket.name });
    new TerraformOutput(this, 'secret_ids', {
      value: [
        ...Object.values(this.secrets),
        ...(this.inferenceApiKeySecret ? [this.inferenceApiKeySecret] : []),
      ].map((s) => s.secretId),
      description: 'Add values out of band: gcloud secrets versions add <id> --data-file=-',
    });
    if (this.attestor) {
      // The deploy workflow reads these to sign; absent until the apply that turns attestation on.
      new TerraformOutput(this, 'attestor', { value: this.attestor.attestor.id });
      new TerraformOutput(this, 'attestation_key_version', { value: this.attestor.keyVersionName });
    }
    new TerraformOutput(this, 'kms_key_ids', {
      value: Object.fromEntries(
        Object.entries(this.kmsKeys).flatMap(([region, keys]) =>
          Object.entries(keys).map(([purpose, key]) => [`${purpose}-${region}`, key.id]),
        ),
      ),
    });
  }
}
