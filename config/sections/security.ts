import { z } from 'zod';
import { isHostQualified, serviceRepository } from '../../catalog/registries';
import { coversRepository, report, show, wideImagePattern } from '../rules';

/**
 * A Binary Authorization allowlist entry: `registry/path/to/image`, trailing `*` or `**` only after the registry,
 * never a whole registry or mirror (wideImagePattern).
 */
const namePattern = z.string().superRefine((value, ctx) => {
  const wide = wideImagePattern(value);
  if (wide) {
    report(ctx, [], wide);
  } else if (!/^[a-z0-9.-]+(:[0-9]+)?\/[^*\s]*(\*\*?)?$/.test(value)) {
    report(
      ctx,
      [],
      `(${show(value)}) is not an image name pattern. Fix: write "registry/path/to/image", optionally ending in "*" (one segment) or "**" (subpaths)`,
    );
  }
});

const binaryAuthorizationSchema = z.strictObject({
  /**
   * `enforce` blocks images the policy does not admit; `dry-run` admits them and writes the verdict to the audit
   * log (read it before enforcing). @default "enforce"
   */
  mode: z.enum(['enforce', 'dry-run']).default('enforce'),
  /**
   * Images admitted beside ours (the stack's Artifact Registry repository, the engine images through the
   * registry mirrors, the GKE add-ons we deploy and Google's system images). @default []
   */
  allowlist: z.array(namePattern).default([]),
  /**
   * Our own images (the stack's Artifact Registry repository) need an attestation signed by CI with a KMS key
   * (the deploy workflow signs each release before cloud-run applies): the default admission rule becomes
   * REQUIRE_ATTESTATION and our repository leaves the allowlist. Turning it on:
   * docs/runbooks/binary-authorization.md. @default false
   */
  attestation: z.boolean().default(false),
});

/**
 * An IAM principal as VPC Service Controls names it. Perimeter rules take single identities only: the API refuses
 * `principalSet://` (groups of federated identities), so those impersonate a service account instead.
 */
const identity = z.string().regex(/^(user|serviceAccount|group|principal):\S+$/, {
  error: (issue) =>
    `(${show(issue.input)}) is not a single IAM identity. Fix: write "user:<email>", "serviceAccount:<email>", "group:<email>" or "principal://..." (perimeter rules refuse principalSet: let the federated identities impersonate a service account and name that)`,
});

/** Why a door exists: reviewers read it in the config and it is the rule's title (the API takes <= 100 characters). */
const reason = z.string().min(10).max(100);

/** The title of the rule that always admits the CI planner and deployer. */
export const CI_INGRESS_REASON = 'CI planner and deployer (Workload Identity Federation)';
/** The title of the rule that admits stateBucket.adminMembers to the state bucket. */
export const STATE_ADMINS_INGRESS_REASON =
  'State bucket admins (stateBucket.adminMembers): state objects and key';

const ingressRuleSchema = z.strictObject({
  /** Who may call the restricted services from outside the perimeter (the CI identities are always allowed). */
  identities: z.array(identity).min(1),
  /** Why they need it, e.g. "break-glass admins run the state stack by hand". */
  reason,
});

const egressRuleSchema = z.strictObject({
  /** Who inside the perimeter may call out. @default any identity */
  identities: z.array(identity).optional(),
  /** Projects outside the perimeter reached, as `projects/<number>`. */
  resources: z
    .array(
      z.string().regex(/^projects\/[0-9]+$/, {
        error: (issue) =>
          `(${show(issue.input)}) is not a project by number. Fix: write "projects/<number>" (gcloud projects describe <id> --format='value(projectNumber)')`,
      }),
    )
    .min(1),
  /** APIs called there, e.g. "artifactregistry.googleapis.com". */
  services: z.array(z.string().regex(/^[a-z0-9.-]+\.googleapis\.com$/)).min(1),
  /** Why the stacks need it, e.g. "base images from the shared images project". */
  reason,
});

const vpcServiceControlsSchema = z
  .strictObject({
    /** The organization's access policy, `accessPolicies/<number>` (gcloud access-context-manager policies list). */
    accessPolicy: z.string().regex(/^accessPolicies\/[0-9]+$/, {
      error: (issue) =>
        `(${show(issue.input)}) is not an access policy name. Fix: write "accessPolicies/<number>" (gcloud access-context-manager policies list --organization <org id>)`,
    }),
    /**
     * `dry-run` writes violations to the audit log and blocks nothing (`spec`, use_explicit_dry_run_spec);
     * `enforce` blocks them (`status`). Start with dry-run: docs/runbooks/vpc-service-controls.md. @default "dry-run"
     */
    mode: z.enum(['dry-run', 'enforce']).default('dry-run'),
    /** Identities beside the CI planner and deployer that reach in. @default [] */
    ingress: z.array(ingressRuleSchema).default([]),
    /** Calls from inside to projects outside the perimeter. @default [] */
    egress: z.array(egressRuleSchema).default([]),
  })
  .superRefine((value, ctx) => {
    // Reasons are the rules' titles, which the API wants unique within the perimeter.
    const seen = new Set<string>([CI_INGRESS_REASON, STATE_ADMINS_INGRESS_REASON]);
    for (const kind of ['ingress', 'egress'] as const) {
      value[kind].forEach((rule, i) => {
        if (seen.has(rule.reason)) {
          report(
            ctx,
            [kind, i, 'reason'],
            `(${show(rule.reason)}) is already the title of another perimeter rule. Fix: give each rule its own reason`,
          );
        }
        seen.add(rule.reason);
      });
    }
  });

export const securitySection = z.strictObject({
  /** The project's Binary Authorization policy (data stack): which images Cloud Run and GKE may run. */
  binaryAuthorization: binaryAuthorizationSchema.prefault({}),
  /**
   * A VPC Service Controls perimeter around the project (observability stack). The access policy is the
   * organization's, so it cannot default. @default none: no perimeter (synth says so)
   */
  vpcServiceControls: vpcServiceControlsSchema.optional(),
});

export type SecurityConfig = z.output<typeof securitySection>;

/** APIs the perimeter protects: every one the stacks store data in or manage the platform through. */
export const PERIMETER_RESTRICTED_SERVICES = [
  'sqladmin.googleapis.com',
  'redis.googleapis.com',
  'storage.googleapis.com',
  'secretmanager.googleapis.com',
  'artifactregistry.googleapis.com',
  'run.googleapis.com',
  'container.googleapis.com',
  'cloudkms.googleapis.com',
  'logging.googleapis.com',
  'monitoring.googleapis.com',
] as const;

/**
 * APIs the VPC networks inside may call: the restricted ones, plus the token services pods and nodes need
 * (Workload Identity exchanges through STS and IAM Credentials) and image streaming.
 */
export const PERIMETER_VPC_ACCESSIBLE_SERVICES = [
  'RESTRICTED-SERVICES',
  'sts.googleapis.com',
  'iamcredentials.googleapis.com',
  'containerfilesystem.googleapis.com',
] as const;

/** What synth says while no perimeter is configured. */
export const VPC_SC_OFF =
  'VPC Service Controls perimeter is OFF (no security.vpcServiceControls). Fix: set security.vpcServiceControls.accessPolicy ("accessPolicies/<number>") with mode dry-run, then follow docs/runbooks/vpc-service-controls.md to enforce';

/** What synth says while our own images are admitted without an attestation. */
export const ATTESTATION_OFF =
  'Binary Authorization attestation is OFF (security.binaryAuthorization.attestation: false): our repository is admitted by name, unsigned. Fix: set security.binaryAuthorization.attestation: true (the deploy workflow then signs each release; see docs/runbooks/binary-authorization.md)';

export function securityNotes(config: { security: SecurityConfig }): string[] {
  return [
    ...(config.security.vpcServiceControls ? [] : [VPC_SC_OFF]),
    ...(config.security.binaryAuthorization.attestation ? [] : [ATTESTATION_OFF]),
  ];
}

/**
 * With attestation on, nothing may admit our repository by name: the policy admits allowlisted images without an
 * attestation, so such an entry (or a service image naming our repository by host, which becomes one) would let
 * any image pushed there run unsigned.
 */
export function securityRules(
  config: {
    projectId: string;
    region: string;
    disasterRecovery: boolean;
    security: SecurityConfig;
    cloudRun: { frontend: { image: string }; backend: { image: string } };
  },
  ctx: z.RefinementCtx,
): void {
  const { allowlist, attestation } = config.security.binaryAuthorization;
  if (!attestation) return;
  const repository = serviceRepository(config.projectId, config.region, config.disasterRecovery);
  allowlist.forEach((pattern, i) => {
    // A wide pattern is already refused with its own message.
    if (wideImagePattern(pattern) || !coversRepository(pattern, repository)) return;
    report(
      ctx,
      ['security', 'binaryAuthorization', 'allowlist', i],
      `(${show(pattern)}) admits images of our repository ${repository} without an attestation while security.binaryAuthorization.attestation is on: it bypasses the attestation. Fix: remove the entry (the deploy workflow attests our release images), or set attestation: false (docs/runbooks/binary-authorization.md)`,
    );
  });
  for (const service of ['frontend', 'backend'] as const) {
    const image = config.cloudRun[service].image;
    if (!isHostQualified(image) || !coversRepository(image, repository)) continue;
    report(
      ctx,
      ['cloudRun', service, 'image'],
      `(${show(image)}) names our repository by host, which allowlists it without an attestation while security.binaryAuthorization.attestation is on. Fix: write it as a path in our repository ("${image.slice(repository.length + 1)}"), which the deploy workflow attests`,
    );
  }
}
