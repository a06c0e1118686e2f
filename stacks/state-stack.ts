import { ProjectIamCustomRole } from '@cdktf/provider-google/lib/project-iam-custom-role';
import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { LocalBackend, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import {
  CI_ACCOUNTS,
  ciMember,
  DEPLOYER_ROLES,
  PLANNER_REFRESH_PERMISSIONS,
  PLANNER_ROLES,
} from '../catalog/ci-roles';
import { GithubOidcTrust } from '../constructs/github-oidc-trust';
import { KeyRing } from '../constructs/kms-keys';
import { ProjectServices } from '../constructs/project-services';
import { SecureBucket } from '../constructs/secure-bucket';
import { ServiceAgents } from '../constructs/service-agents';
import { ServiceIdentity } from '../constructs/service-identity';
import { AfpiStack, AfpiStackProps } from './afpi-stack';

/** The CI identities as IAM principals (WIF impersonates them; other stacks name them, e.g. the perimeter). */
export function ciPrincipals(projectId: string): string[] {
  return (Object.keys(CI_ACCOUNTS) as (keyof typeof CI_ACCOUNTS)[]).map((account) =>
    ciMember(account, projectId),
  );
}

/**
 * Bootstrap: the bucket that holds every other stack's state, and the CI identities that may use it. Its own
 * state is local (it cannot live in a bucket that does not exist yet), kept at the repository root as
 * `terraform.state.<env>.tfstate`, and applied by a human (runbook "Bootstrap").
 *
 * State holds secrets (the Redis AUTH string, see docs/operations.md "What is and is not in Terraform state"): the bucket is CMEK-encrypted and its IAM policy
 * admits only the deployer (read/write), the planner (read) and the configured break-glass admins.
 */
export class StateStack extends AfpiStack {
  readonly stateBucket: SecureBucket;
  readonly planner: ServiceIdentity;
  readonly deployer: ServiceIdentity;
  /** Present when `ci.github` names the repository. */
  readonly githubTrust?: GithubOidcTrust;

  constructor(scope: Construct, props: AfpiStackProps) {
    super(scope, 'state', props);
    const { env, projectId, stateBucket, ci } = props.config;
    // Relative to cdktf.out/stacks/state, so the path survives re-synthesis and stays out of cdktf.out.
    new LocalBackend(this, { path: `../../../terraform.state.${env}.tfstate` });
    const apis = new ProjectServices(this, 'apis', {
      services: [
        'cloudkms.googleapis.com',
        'iam.googleapis.com',
        'iamcredentials.googleapis.com',
        'sts.googleapis.com',
      ],
    });

    // CMEK: the configured key (e.g. in a separate admin project), else a key of our own beside the bucket
    // (KMS multi-region "us" for the "US" bucket: the key must sit in the bucket's location).
    let kmsKeyName = stateBucket.kmsKeyName;
    const dependsOn = [...apis.dependables];
    if (!kmsKeyName) {
      const ring = new KeyRing(this, 'keys', {
        name: 'afpi-state',
        location: stateBucket.location.toLowerCase(),
        dependsOn: apis.dependables,
      });
      const key = ring.addKey('tfstate');
      dependsOn.push(
        key.grantEncryptDecrypt(new ServiceAgents(this, 'agents', { projectId }).grantee('storage')),
      );
      kmsKeyName = key.id;
    }
    this.stateBucket = new SecureBucket(this, 'tfstate', {
      name: stateBucket.name,
      location: stateBucket.location,
      noncurrentVersionsKept: stateBucket.noncurrentVersionsKept,
      kmsKeyName,
      dependsOn,
    });

    this.planner = new ServiceIdentity(this, 'planner', {
      accountId: CI_ACCOUNTS.planner,
      displayName: 'AFPI CI planner (read-only)',
      description: 'Plans pull requests with -lock=false: reads resources and state, writes nothing',
    });
    this.planner.grantProjectRoles(projectId, PLANNER_ROLES);
    const refresh = new ProjectIamCustomRole(this, 'planner-refresh', {
      roleId: 'afpiPlannerRefresh',
      title: 'AFPI CI planner: refresh reads',
      description: 'Reads a plan refresh needs that no viewer role grants (catalog/ci-roles.ts)',
      permissions: [...PLANNER_REFRESH_PERMISSIONS],
    });
    new ProjectIamMember(this.planner, 'project-afpiPlannerRefresh', {
      project: projectId,
      role: refresh.name,
      member: this.planner.member,
    });
    this.deployer = new ServiceIdentity(this, 'deployer', {
      accountId: CI_ACCOUNTS.deployer,
      displayName: 'AFPI CI deployer',
      description: 'Applies reviewed plans from the main branch deploy workflow',
    });
    this.deployer.grantProjectRoles(projectId, DEPLOYER_ROLES);

    const member = (account: keyof typeof CI_ACCOUNTS) => ciMember(account, projectId);
    this.stateBucket.limitAccessTo(
      {
        'roles/storage.objectAdmin': [member('deployer'), ...stateBucket.adminMembers],
        'roles/storage.objectViewer': [member('planner')],
      },
      [this.planner.account, this.deployer.account],
    );

    if (ci.github) {
      this.githubTrust = new GithubOidcTrust(this, 'github', {
        repository: ci.github.repository,
        repositoryId: ci.github.repositoryId,
        branch: ci.github.branch,
      });
      this.githubTrust.trustPullRequests(this.planner);
      this.githubTrust.trustWorkflow(this.deployer, ci.github.deployWorkflow);
      new TerraformOutput(this, 'workload_identity_provider', {
        value: this.githubTrust.providerName,
        description: 'GitHub variable GCP_WORKLOAD_IDENTITY_PROVIDER',
      });
    }
    new TerraformOutput(this, 'state_bucket_name', { value: this.stateBucket.name });
    new TerraformOutput(this, 'plan_service_account', {
      value: this.planner.email,
      description: 'GitHub variable GCP_PLAN_SERVICE_ACCOUNT',
    });
    new TerraformOutput(this, 'deploy_service_account', {
      value: this.deployer.email,
      description: 'GitHub variable GCP_DEPLOY_SERVICE_ACCOUNT',
    });
  }
}
