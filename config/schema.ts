import { z } from 'zod';
import { bucketName, domain, labels, multiRegionOf, projectId, region, report, show } from './rules';
import { ciSection } from './sections/ci';
import { cloudRunRules, cloudRunSection } from './sections/cloud-run';
import { costSection } from './sections/cost';
import { dataRules, dataSection } from './sections/data';
import { gkeRules, gkeSection } from './sections/gke';
import { inferenceRules, inferenceSection } from './sections/inference';
import { networkRules, networkSection } from './sections/network';
import { observabilitySection } from './sections/observability';
import { securityRules, securitySection } from './sections/security';

export const TIERS = ['startup', 'growth', 'scale', 'enterprise'] as const;
export type Tier = (typeof TIERS)[number];

/** Stack ids, in deploy order. They are the names users type: `cdktf deploy network`. */
export const STACK_IDS = [
  'state',
  'network',
  'data',
  'cloud-run',
  'gke-gpu',
  'inference',
  'observability',
] as const;
export type StackId = (typeof STACK_IDS)[number];

/** Stacks every tier has; the tier adds `gke-gpu` and `inference`. */
const REQUIRED_STACKS: readonly StackId[] = ['state', 'network', 'data', 'cloud-run', 'observability'];

const stateBucketSchema = z.strictObject({
  /** Globally unique name of the bucket that holds every other stack's state. */
  name: bucketName,
  /**
   * Bucket location. The state holds secrets: keep it on the continent the environment serves from.
   * @default the multi-region holding `region` (US, EU or ASIA): survives the loss of one region
   */
  location: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/)
    .optional(),
  /** Noncurrent state versions kept per object; older ones are deleted. @default 20 */
  noncurrentVersionsKept: z.number().int().min(1).max(100).default(20),
  /** Cloud KMS key for CMEK; the key's project must let the GCS service agent use it. @default Google-managed */
  kmsKeyName: z
    .string()
    .regex(/^projects\/[^/]+\/locations\/[^/]+\/keyRings\/[^/]+\/cryptoKeys\/[^/]+$/, {
      error: (issue) =>
        `(${show(issue.input)}) is not a KMS key name. Fix: use projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>`,
    })
    .optional(),
  /**
   * Members besides the CI planner and deployer who may read and write state objects (break-glass admins,
   * e.g. "group:platform-admins@example.com"). The bucket's IAM policy is authoritative. @default []
   */
  adminMembers: z
    .array(
      z.string().regex(/^(user|group|serviceAccount):[^@\s]+@[^@\s]+$/, {
        error: (issue) =>
          `(${show(issue.input)}) is not an IAM member. Fix: use "group:<email>", "user:<email>" or "serviceAccount:<email>"`,
      }),
    )
    .default([]),
});

export const configSchema = z
  .strictObject({
    /** Scaling tier from the seed; selects the preset this environment starts from. */
    tier: z.enum(TIERS),
    /** GCP project every stack deploys into. */
    projectId,
    /** Primary serving region. */
    region,
    /** Passive standby region (seed: us-east1); required by tiers with disaster recovery. @default none */
    drRegion: region.optional(),
    /** Apex domain: `<domain>` serves the frontend, `api.<domain>` the backend. */
    domain,
    stateBucket: stateBucketSchema,
    /** CI identities (planner, deployer) and the GitHub repository they trust (state stack). */
    ci: ciSection.prefault({}),
    /** Labels added to every resource beside app, env, tier and managed-by. @default {} */
    labels: labels.default({}),
    /** Whether the tier keeps a DR region (SQL standby, second serving region). */
    disasterRecovery: z.boolean(),
    /** Stacks this environment deploys, from the tier preset. */
    stacks: z.array(z.enum(STACK_IDS)),
    /** VPC ranges, connector and firewall switches (network stack). @default see config/sections/network.ts */
    network: networkSection.prefault({}),
    /** Cloud SQL, Redis, model bucket and secrets (data stack). @default see config/sections/data.ts */
    data: dataSection.prefault({}),
    /** Alerts, SLOs, uptime checks, dashboards, log retention, cost budget (observability stack). */
    observability: observabilitySection,
    /** Cloud Run services, load balancer, Cloud Armor, CDN and LLM routing (cloud-run stack). */
    cloudRun: cloudRunSection,
    /** GKE cluster and node pools (gke-gpu stack); only tiers with that stack. @default see config/sections/gke.ts */
    gke: gkeSection.optional(),
    /** vLLM and TGI on the GPU pools (inference stack); only tiers with that stack. @default see config/sections/inference.ts */
    inference: inferenceSection.optional(),
    /** Binary Authorization and VPC Service Controls. @default see config/sections/security.ts */
    security: securitySection.prefault({}),
    /** Usage assumptions for `npm run cost`. @default the tier's figures in cost/usage.ts */
    cost: costSection.optional(),
  })
  .superRefine((config, ctx) => {
    networkRules(config, ctx);
    dataRules(config, ctx);
    cloudRunRules(config, ctx);
    gkeRules(config, ctx);
    inferenceRules(config, ctx);
    securityRules(config, ctx);
    for (const required of REQUIRED_STACKS) {
      if (!config.stacks.includes(required)) {
        report(
          ctx,
          ['stacks'],
          `(${show(config.stacks)}) lacks "${required}". Fix: every tier deploys ${REQUIRED_STACKS.join(', ')}`,
        );
      }
    }
    if (config.stacks.includes('inference') && !config.stacks.includes('gke-gpu')) {
      report(
        ctx,
        ['stacks'],
        `(${show(config.stacks)}) has "inference" without "gke-gpu". Fix: add "gke-gpu" or remove "inference"`,
      );
    }
    if (config.disasterRecovery && !config.drRegion) {
      report(
        ctx,
        ['drRegion'],
        `is missing while disasterRecovery is on. Fix: set drRegion (seed: "us-east1") or turn disasterRecovery off`,
      );
    }
    if (config.drRegion && config.drRegion === config.region) {
      report(
        ctx,
        ['drRegion'],
        `(${show(config.drRegion)}) equals region. Fix: pick a DR region other than the primary region`,
      );
    }
  })
  .transform((config) => ({
    ...config,
    stateBucket: {
      ...config.stateBucket,
      location: config.stateBucket.location ?? multiRegionOf(config.region),
    },
  }));

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.output<typeof configSchema>;

/** A validated environment: the parsed config plus where it came from. */
export interface EnvironmentConfig extends ParsedConfig {
  /** Environment name, from the file name (`dev`, `staging`, `prod`). */
  readonly env: string;
}
