import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Construct } from 'constructs';
import { Grantee } from './grantee';

export interface ServiceIdentityProps {
  /** Account id (the part before `@`), 6-30 characters. */
  readonly accountId: string;
  /** Console display name. */
  readonly displayName: string;
  /** What the identity runs, for the console. @default none */
  readonly description?: string;
}

/**
 * A dedicated service account for one workload. Resource constructs grant it access through their own grant
 * methods (it is a Grantee); project-scoped roles go through `grantProjectRoles`.
 */
export class ServiceIdentity extends Construct implements Grantee {
  readonly account: ServiceAccount;
  readonly member: string;
  readonly grantScope: Construct;
  readonly grantId: string;

  constructor(scope: Construct, id: string, props: ServiceIdentityProps) {
    super(scope, id);
    this.account = new ServiceAccount(this, 'account', {
      accountId: props.accountId,
      displayName: props.displayName,
      description: props.description,
    });
    this.member = this.account.member;
    this.grantScope = this;
    this.grantId = id;
  }

  get email(): string {
    return this.account.email;
  }

  /**
   * Lets `member` attach this account to what it deploys (`iam.serviceAccounts.actAs` through
   * `roles/iam.serviceAccountUser` on this account only, not the project): the CI deployer creating a Cloud Run
   * service, node pool or scheduled query that runs as it. What attaches the account must depend on the grant.
   */
  grantActAs(member: string): ServiceAccountIamMember {
    return new ServiceAccountIamMember(this, 'act-as', {
      serviceAccountId: this.account.name,
      role: 'roles/iam.serviceAccountUser',
      member,
    });
  }

  /**
   * Grants roles on the whole project. Only for roles that have no narrower resource to bind to (log and metric
   * writing, Cloud SQL connect and login, which Cloud SQL checks at project level).
   */
  grantProjectRoles(projectId: string, roles: readonly string[]): ProjectIamMember[] {
    return roles.map(
      (role) =>
        new ProjectIamMember(this, `project-${role.replace(/^roles\//, '').replace(/\./g, '-')}`, {
          project: projectId,
          role,
          member: this.member,
        }),
    );
  }
}
