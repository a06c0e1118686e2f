import { BinaryAuthorizationPolicy as PolicyResource } from '@cdktf/provider-google/lib/binary-authorization-policy';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface BinaryAuthorizationPolicyProps {
  /** `enforce` blocks what the policy does not admit; `dry-run` admits it and writes the verdict to the audit log. */
  readonly mode: 'enforce' | 'dry-run';
  /** Image name patterns admitted (`registry/path/to/image`, trailing `*` or `**`). */
  readonly allowlist: readonly string[];
  /**
   * Attestors (`projects/<p>/attestors/<name>`) that must have signed every image the allowlist does not admit;
   * empty: such images are denied. @default []
   */
  readonly requireAttestationsBy?: readonly string[];
  /** The Binary Authorization API. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The project's Binary Authorization policy (a project singleton): the GKE cluster evaluates it
 * (PROJECT_SINGLETON_POLICY_ENFORCE) and Cloud Run services reference it (`binary_authorization.use_default`).
 * Nothing outside the allowlist is admitted (ALWAYS_DENY) unless attestors are required, then only what they
 * signed (REQUIRE_ATTESTATION). The default rule, not a cluster rule: Cloud Run evaluates only the default rule.
 * Google's global policy admits GKE system images.
 */
export class BinaryAuthorizationPolicy extends Construct {
  readonly policy: PolicyResource;

  constructor(scope: Construct, id: string, props: BinaryAuthorizationPolicyProps) {
    super(scope, id);
    const attestors = props.requireAttestationsBy ?? [];
    this.policy = new PolicyResource(this, 'policy', {
      description: 'AFPI: admit only our repositories, the mirrored engine images and GKE system images',
      globalPolicyEvaluationMode: 'ENABLE',
      defaultAdmissionRule: {
        evaluationMode: attestors.length > 0 ? 'REQUIRE_ATTESTATION' : 'ALWAYS_DENY',
        enforcementMode: props.mode === 'enforce' ? 'ENFORCED_BLOCK_AND_AUDIT_LOG' : 'DRYRUN_AUDIT_LOG_ONLY',
        ...(attestors.length > 0 ? { requireAttestationsBy: [...attestors] } : {}),
      },
      admissionWhitelistPatterns: [...new Set(props.allowlist)].map((namePattern) => ({ namePattern })),
      dependsOn: props.dependsOn,
    });
  }
}
