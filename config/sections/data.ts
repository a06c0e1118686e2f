import { z } from 'zod';
import { bucketName, report, show } from '../rules';

/** Cloud SQL keeps 1-365 automated backups. */
const BACKUPS_RETAINED = { min: 1, max: 365 } as const;
/** Binary-log days for point-in-time recovery: Enterprise edition keeps at most 7, Enterprise Plus 35. */
const LOG_RETENTION_MAX_DAYS = { ENTERPRISE: 7, ENTERPRISE_PLUS: 35 } as const;

const sqlSchema = z
  .strictObject({
    /** Machine tier (seed: db-n1-standard-2). @default "db-n1-standard-2" */
    tier: z
      .string()
      .regex(/^db-[a-z0-9-]+$/, {
        error: (issue) =>
          `(${show(issue.input)}) is not a Cloud SQL tier. Fix: use a tier such as "db-n1-standard-2" or "db-custom-2-7680"`,
      })
      .default('db-n1-standard-2'),
    /** Cloud SQL edition; db-n1-* and db-custom-* tiers need ENTERPRISE. @default "ENTERPRISE" */
    edition: z.enum(['ENTERPRISE', 'ENTERPRISE_PLUS']).default('ENTERPRISE'),
    /** @default "MYSQL_8_0" */
    databaseVersion: z.enum(['MYSQL_8_0', 'MYSQL_8_4']).default('MYSQL_8_0'),
    /** Initial SSD size; autoresize grows it. @default 50 */
    diskSizeGb: z.number().int().min(10).max(65536).default(50),
    /** Daily automated backups kept (seed: 30-day retention). @default 30 */
    backupRetainedCount: z.number().int().default(30),
    /** Days of binary logs kept for point-in-time recovery. @default 7 */
    logRetentionDays: z.number().int().default(7),
    /** Daily backup start, UTC "HH:MM". @default "02:00" */
    backupStartTime: z
      .string()
      .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, {
        error: (issue) => `(${show(issue.input)}) is not a UTC time. Fix: write it as "HH:MM", e.g. "02:00"`,
      })
      .default('02:00'),
    /** Weekly maintenance window (UTC). */
    maintenanceWindow: z
      .strictObject({
        /** 1 = Monday ... 7 = Sunday. @default 7 */
        day: z.number().int().min(1).max(7).default(7),
        /** @default 3 */
        hour: z.number().int().min(0).max(23).default(3),
        /** @default "stable" */
        updateTrack: z.enum(['canary', 'stable', 'week5']).default('stable'),
      })
      .prefault({}),
    /** Cross-region read replica in drRegion as the passive standby. @default the tier's disasterRecovery */
    crossRegionReplica: z.boolean().optional(),
    /** The application's database. @default "afpi" */
    databaseName: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,63}$/)
      .default('afpi'),
  })
  .superRefine((value, ctx) => {
    if (
      value.backupRetainedCount < BACKUPS_RETAINED.min ||
      value.backupRetainedCount > BACKUPS_RETAINED.max
    ) {
      report(
        ctx,
        ['backupRetainedCount'],
        `(${value.backupRetainedCount}) is outside ${BACKUPS_RETAINED.min}-${BACKUPS_RETAINED.max}, the number of automated backups Cloud SQL can keep. Fix: use a count in that range (seed: 30)`,
      );
    }
    const maxLogDays = LOG_RETENTION_MAX_DAYS[value.edition];
    if (value.logRetentionDays < 1 || value.logRetentionDays > maxLogDays) {
      report(
        ctx,
        ['logRetentionDays'],
        `(${value.logRetentionDays}) is outside 1-${maxLogDays}, the days of binary logs Cloud SQL ${value.edition} keeps for point-in-time recovery. Fix: use 1-${maxLogDays} days (seed: 7)`,
      );
    }
  })
  .prefault({});

const redisSchema = z
  .strictObject({
    /** @default 1 (seed) */
    memorySizeGb: z.number().int().min(1).max(300).default(1),
    /** @default "REDIS_7_2" */
    version: z.enum(['REDIS_7_2', 'REDIS_7_0']).default('REDIS_7_2'),
    /** STANDARD_HA keeps a replica in another zone with automatic failover. @default "STANDARD_HA" */
    tier: z.enum(['STANDARD_HA', 'BASIC']).default('STANDARD_HA'),
    /** RDB snapshot interval. @default "TWELVE_HOURS" */
    rdbSnapshotPeriod: z
      .enum(['ONE_HOUR', 'SIX_HOURS', 'TWELVE_HOURS', 'TWENTY_FOUR_HOURS'])
      .default('TWELVE_HOURS'),
    /** Weekly maintenance window (UTC). */
    maintenanceWindow: z
      .strictObject({
        /** @default "SUNDAY" */
        day: z
          .enum(['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'])
          .default('SUNDAY'),
        /** @default 4 */
        hour: z.number().int().min(0).max(23).default(4),
      })
      .prefault({}),
  })
  .prefault({});

const secretSchema = z.strictObject({
  /** Secret Manager secret id; the value is added out of band (`gcloud secrets versions add`). */
  id: z.string().regex(/^[a-zA-Z0-9_-]{1,255}$/, {
    error: (issue) =>
      `(${show(issue.input)}) is not a secret id. Fix: up to 255 letters, digits, "-" and "_"`,
  }),
  /** What the secret holds, for the reader of the console. */
  description: z.string().max(200),
});

export const DEFAULT_SECRETS = [
  { id: 'xai-api-key', description: 'X.AI API key for the backend' },
  { id: 'openai-api-key', description: 'OpenAI API key for the backend' },
  { id: 'hf-token', description: 'Hugging Face token for model downloads' },
];

export const dataSection = z
  .strictObject({
    sql: sqlSchema,
    redis: redisSchema,
    /** Model artifact bucket (seed: "GCS versioned buckets"). */
    modelBucket: z
      .strictObject({
        /** Globally unique name. @default "<projectId>-models" */
        name: bucketName.optional(),
        /** @default 5 */
        noncurrentVersionsKept: z.number().int().min(1).max(100).default(5),
        /** @default 30 */
        noncurrentVersionMaxAgeDays: z.number().int().min(1).max(3650).default(30),
      })
      .prefault({}),
    /** Secret containers (no values). @default xai-api-key, openai-api-key, hf-token */
    secrets: z.array(secretSchema).default(DEFAULT_SECRETS),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.secrets.forEach((secret, index) => {
      if (seen.has(secret.id)) {
        report(
          ctx,
          ['secrets', index, 'id'],
          `(${show(secret.id)}) is listed twice. Fix: give each secret its own id`,
        );
      }
      seen.add(secret.id);
    });
  });

export type DataConfig = z.output<typeof dataSection>;

interface DataScope {
  readonly data: DataConfig;
  readonly disasterRecovery: boolean;
  readonly drRegion?: string;
}

/** The region of the SQL standby replica, or undefined when the environment has none. */
export function sqlReplicaRegion(config: DataScope): string | undefined {
  return (config.data.sql.crossRegionReplica ?? config.disasterRecovery) ? config.drRegion : undefined;
}

/** Cross-field rule (needs the top-level config): the standby replica lives in drRegion. */
export function dataRules(config: DataScope, ctx: z.RefinementCtx): void {
  if (config.data.sql.crossRegionReplica && !config.drRegion) {
    report(
      ctx,
      ['data', 'sql', 'crossRegionReplica'],
      `(true) needs a drRegion for the replica. Fix: set drRegion (seed: "us-east1") or turn crossRegionReplica off`,
    );
  }
}
