import { coversRepository, wideImagePattern } from '../../config/rules';
import { Attributes, block, blocks, isTrue, outsideDev, Rule, RuleContext, strings } from '../rule';

const BINAUTHZ = 'google_binary_authorization_policy';
const PERIMETER = 'google_access_context_manager_service_perimeter';

/** The default admission rule and every per-cluster rule of a Binary Authorization policy. */
const admissionRules = (a: Attributes) => [
  { label: 'default_admission_rule', rule: block(a.default_admission_rule) },
  ...blocks(a.cluster_admission_rules).map((rule) => ({
    label: `cluster_admission_rules ${String(rule.cluster ?? '')}`.trim(),
    rule,
  })),
];

/**
 * The app's own Docker repositories (not the registry mirrors), as image references name them, when the default
 * rule requires attestations: in the repository's project, or else the projects of the required attestors.
 */
function attestedRepositories(a: Attributes, context: RuleContext): string[] {
  const rule = block(a.default_admission_rule);
  if (rule.evaluation_mode !== 'REQUIRE_ATTESTATION') return [];
  const attestorProjects = strings(rule.require_attestations_by).flatMap(
    (name) => /^projects\/([^/]+)\/attestors\//.exec(name)?.slice(1) ?? [],
  );
  return context
    .ofType('google_artifact_registry_repository')
    .map((r) => r.attributes)
    .filter((r) => r.format === 'DOCKER' && (r.mode ?? 'STANDARD_REPOSITORY') === 'STANDARD_REPOSITORY')
    .flatMap((r) =>
      (typeof r.project === 'string' ? [r.project] : attestorProjects).map(
        (project) => `${String(r.location)}-docker.pkg.dev/${project}/${String(r.repository_id)}`,
      ),
    );
}

export const securityRules: Rule[] = [
  {
    id: 'AFPI-SEC-1',
    statement:
      'Binary Authorization policy admits any image (ALWAYS_ALLOW, a whole registry in the allowlist, or our attested repository in the allowlist)',
    fix: 'set default_admission_rule.evaluation_mode = "ALWAYS_DENY" (or REQUIRE_ATTESTATION) and list admitted image repositories, not registries or mirrors, in admission_whitelist_patterns; with REQUIRE_ATTESTATION, no pattern may name our own repository (security.binaryAuthorization.allowlist, or a cloudRun image naming it by host)',
    resourceTypes: [BINAUTHZ],
    check: (a, context) => {
      const attested = attestedRepositories(a, context);
      return [
        ...admissionRules(a)
          .filter(({ rule }) => rule.evaluation_mode === undefined || rule.evaluation_mode === 'ALWAYS_ALLOW')
          .map(({ label }) => `${label} is ALWAYS_ALLOW`),
        ...blocks(a.admission_whitelist_patterns).flatMap((p) => {
          const pattern = String(p.name_pattern ?? '');
          const wide = wideImagePattern(pattern);
          if (wide) return [`admission_whitelist_patterns ${wide.slice(0, wide.indexOf('. Fix:'))}`];
          return attested
            .filter((repository) => coversRepository(pattern, repository))
            .map(
              (repository) =>
                `admission_whitelist_patterns ("${pattern}") admits our repository ${repository} without the attestation the default rule requires`,
            );
        }),
      ];
    },
  },
  {
    id: 'AFPI-SEC-2',
    statement: 'Binary Authorization policy only logs (dry-run) outside dev',
    fix: 'set security.binaryAuthorization.mode: enforce (enforcement_mode = "ENFORCED_BLOCK_AND_AUDIT_LOG")',
    resourceTypes: [BINAUTHZ],
    appliesTo: outsideDev,
    check: (a) =>
      admissionRules(a)
        .filter(({ rule }) => rule.enforcement_mode !== 'ENFORCED_BLOCK_AND_AUDIT_LOG')
        .map(({ label, rule }) => `${label} is ${String(rule.enforcement_mode ?? 'unset')}`),
  },
  {
    id: 'AFPI-SEC-3',
    statement: 'VPC Service Controls perimeter is not enforced in prod',
    fix: 'set security.vpcServiceControls.mode: enforce after the dry-run; a prod dry-run needs a suppression with its end date (docs/runbooks/vpc-service-controls.md)',
    resourceTypes: [PERIMETER],
    appliesTo: (_a, context) => context.config.env === 'prod',
    check: (a) => {
      const problems: string[] = [];
      if (isTrue(a.use_explicit_dry_run_spec)) problems.push('use_explicit_dry_run_spec is true');
      if (blocks(a.status).every((s) => !Array.isArray(s.resources) || s.resources.length === 0)) {
        problems.push('status puts no project in the perimeter');
      }
      return problems;
    },
  },
];
