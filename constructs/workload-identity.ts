import { ServiceAccount } from '@cdktf/provider-google/lib/service-account';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Grantee } from './grantee';

export interface WorkloadIdentityProps {
  /** Project holding the Google service account and the cluster's workload pool (`<project>.svc.id.goog`). */
  readonly project: string;
  /** Google service account id (6-30 characters). */
  readonly accountId: string;
  /** Human-readable description of what runs as this identity. */
  readonly description: string;
  /** Namespace of the Kubernetes service account. */
  readonly namespace: string;
  /** Name of the Kubernetes service account. */
  readonly serviceAccountName: string;
  /** Mount an API token into pods (only for workloads that call the Kubernetes API). @default false */
  readonly automountToken?: boolean;
  /** Resources that must exist first (the namespace). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Kubernetes service account that acts as a Google service account through GKE Workload Identity: the KSA
 * carries the `iam.gke.io/gcp-service-account` annotation and the GSA lets exactly that KSA
 * (`serviceAccount:<project>.svc.id.goog[<namespace>/<name>]`) use it. The GSA starts with no roles; resources
 * grant it access through their own grant methods (it is a `Grantee`).
 */
export class WorkloadIdentity extends Construct implements Grantee {
  readonly googleServiceAccount: ServiceAccount;
  readonly kubernetesServiceAccount: ServiceAccountV1;
  readonly member: string;
  readonly grantScope: Construct = this;
  readonly grantId: string;

  constructor(scope: Construct, id: string, props: WorkloadIdentityProps) {
    super(scope, id);
    this.grantId = id;
    this.googleServiceAccount = new ServiceAccount(this, 'gsa', {
      project: props.project,
      accountId: props.accountId,
      displayName: props.accountId,
      description: props.description,
    });
    this.member = `serviceAccount:${this.googleServiceAccount.email}`;
    new ServiceAccountIamMember(this, 'workload-identity-user', {
      serviceAccountId: this.googleServiceAccount.name,
      role: 'roles/iam.workloadIdentityUser',
      member: `serviceAccount:${props.project}.svc.id.goog[${props.namespace}/${props.serviceAccountName}]`,
    });
    this.kubernetesServiceAccount = new ServiceAccountV1(this, 'ksa', {
      metadata: {
        name: props.serviceAccountName,
        namespace: props.namespace,
        annotations: { 'iam.gke.io/gcp-service-account': this.googleServiceAccount.email },
      },
      automountServiceAccountToken: props.automountToken ?? false,
      dependsOn: props.dependsOn,
    });
  }

  /** Name of the Kubernetes service account, for pod specs. */
  get serviceAccountName(): string {
    return this.kubernetesServiceAccount.metadata.name;
  }
}
