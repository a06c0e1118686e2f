import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { Construct } from 'constructs';
import { ServiceIdentity } from './service-identity';

/**
 * Roles of a GKE node's own identity (not the workloads': they use Workload Identity). All are project-scoped
 * roles with no narrower resource to bind to. Artifact Registry reader would be better on the repository, but
 * the repository lives in the cloud-run stack, which gke-gpu does not read (and must not: no cycles), so it is
 * granted at project level; it only lets kubelets pull images.
 */
export const NODE_ROLES = [
  'roles/logging.logWriter',
  'roles/monitoring.metricWriter',
  'roles/monitoring.viewer',
  'roles/stackdriver.resourceMetadata.writer',
  'roles/artifactregistry.reader',
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

  constructor(scope: Construct, id: string, props: NodeServiceAccountProps) {
    super(scope, id);
    this.identity = new ServiceIdentity(this, 'identity', {
      accountId: props.accountId,
      displayName: 'GKE nodes',
      description: 'Node identity of the AFPI GKE cluster: logs, metrics, image pulls',
    });
    this.grants = this.identity.grantProjectRoles(props.projectId, NODE_ROLES);
  }

  get email(): string {
    return this.identity.email;
  }
}
