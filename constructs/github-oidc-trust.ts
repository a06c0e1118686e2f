import { IamWorkloadIdentityPool } from '@cdktf/provider-google/lib/iam-workload-identity-pool';
import { IamWorkloadIdentityPoolProvider } from '@cdktf/provider-google/lib/iam-workload-identity-pool-provider';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Construct } from 'constructs';
import { ServiceIdentity } from './service-identity';

export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';

export interface GithubOidcTrustProps {
  /** `owner/name` of the repository. */
  readonly repository: string;
  /** Numeric repository id: the provider admits tokens of this repository only. */
  readonly repositoryId: string;
  /** The protected branch: pull requests into it plan, pushes to it deploy. @default "main" */
  readonly branch?: string;
  /** Workload Identity pool id (4-32 characters). @default "afpi-github" */
  readonly poolId?: string;
}

/** The value of the derived attributes when a token does not qualify: no binding names it. */
const NOT_ELIGIBLE = 'none';

/**
 * Workload Identity Federation for GitHub Actions: a pool and an OIDC provider that admits tokens of one
 * repository (by its immutable id). Two derived attributes carry the decisions bindings need, because one
 * principalSet can test one attribute only:
 * - `pr_base_ref`: the target branch of a `pull_request` run (else "none"), for the read-only planner;
 * - `deploy_workflow_ref`: `job_workflow_ref` when the caller runs on `refs/heads/<branch>` from a push or a
 *   manual dispatch (else "none"). `job_workflow_ref` names the called reusable workflow and the ref it was
 *   called at, not the caller's ref: a pull request's own workflow can call `deploy-env.yml@main`, so the
 *   caller's `ref` must be checked too.
 */
export class GithubOidcTrust extends Construct {
  readonly pool: IamWorkloadIdentityPool;
  readonly provider: IamWorkloadIdentityPoolProvider;
  private readonly repository: string;
  private readonly branch: string;

  constructor(scope: Construct, id: string, props: GithubOidcTrustProps) {
    super(scope, id);
    this.repository = props.repository;
    this.branch = props.branch ?? 'main';
    const repositoryIs = `assertion.repository_id == '${props.repositoryId}'`;
    const poolId = props.poolId ?? 'afpi-github';
    this.pool = new IamWorkloadIdentityPool(this, 'pool', {
      workloadIdentityPoolId: poolId,
      displayName: 'GitHub Actions',
      description: `GitHub Actions of ${props.repository}`,
    });
    this.provider = new IamWorkloadIdentityPoolProvider(this, 'provider', {
      workloadIdentityPoolId: this.pool.workloadIdentityPoolId,
      workloadIdentityPoolProviderId: 'github',
      displayName: 'GitHub Actions OIDC',
      oidc: { issuerUri: GITHUB_OIDC_ISSUER },
      attributeMapping: {
        'google.subject': 'assertion.sub',
        'attribute.repository_id': 'assertion.repository_id',
        'attribute.ref': 'assertion.ref',
        'attribute.job_workflow_ref': 'assertion.job_workflow_ref',
        'attribute.pr_base_ref': `assertion.event_name == 'pull_request' ? assertion.base_ref : '${NOT_ELIGIBLE}'`,
        'attribute.deploy_workflow_ref':
          `${repositoryIs} && assertion.ref == 'refs/heads/${this.branch}'` +
          ` && assertion.event_name in ['push', 'workflow_dispatch']` +
          ` ? assertion.job_workflow_ref : '${NOT_ELIGIBLE}'`,
      },
      // Single quotes: CEL accepts them, and the condition stays free of JSON/HCL escapes.
      attributeCondition: repositoryIs,
    });
  }

  /** The provider's resource name, for `google-github-actions/auth` `workload_identity_provider`. */
  get providerName(): string {
    return this.provider.name;
  }

  /**
   * Lets runs of `pull_request` events into the protected branch act as `identity` (read-only identities
   * only: the run executes the pull request's code, so anyone who can push a branch can use it).
   */
  trustPullRequests(identity: ServiceIdentity): ServiceAccountIamMember {
    return this.trust(identity, `attribute.pr_base_ref/${this.branch}`);
  }

  /**
   * Lets only jobs of the reusable `workflow` (a path in the repository), called at the protected branch by a
   * push to it or a dispatch on it, act as `identity`.
   */
  trustWorkflow(identity: ServiceIdentity, workflow: string): ServiceAccountIamMember {
    return this.trust(
      identity,
      `attribute.deploy_workflow_ref/${this.repository}/${workflow}@refs/heads/${this.branch}`,
    );
  }

  private trust(identity: ServiceIdentity, principal: string): ServiceAccountIamMember {
    return new ServiceAccountIamMember(this, `${identity.grantId}-federated`, {
      serviceAccountId: identity.account.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `principalSet://iam.googleapis.com/${this.pool.name}/${principal}`,
    });
  }
}
