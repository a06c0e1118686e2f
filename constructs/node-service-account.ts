import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { Construct } from 'constructs';
import { ServiceIdentity } from './service-identity';

/**
 * Roles of a GKE node's own identity (not the workloads': they use Workload Identity). All are project-scoped
 * roles with no narrower resource to bind to. Image pulls are not among them: the repositories the nodes pull
 * from grant `artifactregistry.reader` themselves (RegistryMirrors.grantRead, inference stack).
 */
export const NODE_ROLES = [
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
] as const;

export interface NodeServiceAccountProps {
  readonly projectId: string;
  /** Account id (6-30 characters). */
  readonly accountId: string;
}

/** The dedicated least-privilege service account of the cluster's nodes (instead of the Compute default). */
export class NodeServiceAccount extends Construct {
  readonly identity: ServiceIdentity;
  readonly grants: ProjectIamMember[];
  /**
   * The account as an IAM member, built from its id rather than the resource's attribute: downstream stacks
   * (inference) grant it access to their resources without a cross-stack reference.
   */
  readonly memberByName: string;

  constructor(scope: Construct, id: string, props: NodeServiceAccountProps) {
    super(scope, id);
    this.identity = new ServiceIdentity(this, 'identity', {
      accountId: props.accountId,
      displayName: 'GKE nodes',
      description: 'Node identity of the AFPI GKE cluster: logs, metrics, image pulls',
    });
    this.grants = this.identity.grantProjectRoles(props.projectId, NODE_ROLES);
    this.memberByName = `serviceAccount:${props.accountId}@${props.projectId}.iam.gserviceaccount.com`;
  }

  get email(): string {
    return this.identity.email;
  }
}
