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
  /** Workload Identity pool id (4-32 characters). @default "afpi-github" */
  readonly poolId?: string;
}

/**
 * Workload Identity Federation for GitHub Actions: a pool and an OIDC provider that admits tokens of one
 * repository (by its immutable id) and keeps the claims bindings need (`ref`, `job_workflow_ref`). Service
 * accounts then trust either every workflow of that repository or one workflow at one branch.
 */
export class GithubOidcTrust extends Construct {
  readonly pool: IamWorkloadIdentityPool;
  readonly provider: IamWorkloadIdentityPoolProvider;
  private readonly repositoryId: string;
  private readonly repository: string;

  constructor(scope: Construct, id: string, props: GithubOidcTrustProps) {
    super(scope, id);
    this.repository = props.repository;
    this.repositoryId = props.repositoryId;
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
      },
      // Single quotes: CEL accepts them, and the condition stays free of JSON/HCL escapes.
      attributeCondition: `assertion.repository_id == '${props.repositoryId}'`,
    });
  }

  /** The provider's resource name, for `google-github-actions/auth` `workload_identity_provider`. */
  get providerName(): string {
    return this.provider.name;
  }

  /** Lets every workflow run of the repository act as `identity` (read-only identities only: PR plans). */
  trustRepository(identity: ServiceIdentity): ServiceAccountIamMember {
    return this.trust(identity, `attribute.repository_id/${this.repositoryId}`);
  }

  /**
   * Lets only jobs of `workflow` (a path in the repository) run from `branch` act as `identity`: GitHub's
   * `job_workflow_ref` claim is `<owner>/<repo>/<workflow>@refs/heads/<branch>` for a reusable workflow's jobs.
   */
  trustWorkflow(identity: ServiceIdentity, workflow: string, branch: string): ServiceAccountIamMember {
    return this.trust(
      identity,
      `attribute.job_workflow_ref/${this.repository}/${workflow}@refs/heads/${branch}`,
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
