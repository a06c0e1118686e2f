/**
 * Project roles of the CI identities. Data: edit here when a stack starts managing a new kind of resource.
 * Primitive roles (owner/editor/viewer) are refused by AFPI-IAM-1.
 */

/** The CI service accounts' ids (`<id>@<project>.iam.gserviceaccount.com`). */
export const CI_ACCOUNTS = { planner: 'afpi-planner', deployer: 'afpi-deployer' } as const;

/** A CI service account's e-mail in `projectId`. */
export function ciAccountEmail(account: keyof typeof CI_ACCOUNTS, projectId: string): string {
  return `${CI_ACCOUNTS[account]}@${projectId}.iam.gserviceaccount.com`;
}

/** A CI service account as an IAM member (`serviceAccount:<e-mail>`). */
export function ciMember(account: keyof typeof CI_ACCOUNTS, projectId: string): string {
  return `serviceAccount:${ciAccountEmail(account, projectId)}`;
}

/**
 * What refreshing the planner's stacks reads beyond the viewer roles below, granted as a custom project role:
 * `google_redis_instance` with AUTH reads the AUTH string on every refresh. (Also granted where the resource
 * lives: the Redis AUTH secret's versions, data stack; the Helm release Secrets, inference stack.)
 */
export const PLANNER_REFRESH_PERMISSIONS = ['redis.instances.getAuthString'] as const;

/** Read-only: enough to refresh every stack's resources and IAM policies for `terraform plan -lock=false`. */
export const PLANNER_ROLES = [
  'roles/compute.viewer',
  'roles/container.viewer',
  'roles/run.viewer',
  'roles/cloudsql.viewer',
  'roles/redis.viewer',
  'roles/storage.bucketViewer',
  'roles/secretmanager.viewer',
  'roles/cloudkms.viewer',
  'roles/iam.securityReviewer',
  'roles/iam.serviceAccountViewer',
  'roles/logging.viewer',
  'roles/monitoring.viewer',
  'roles/artifactregistry.reader',
  'roles/serviceusage.serviceUsageViewer',
  'roles/vpcaccess.viewer',
  'roles/binaryauthorization.policyViewer',
  // The attestor's Container Analysis note (security.binaryAuthorization.attestation).
  'roles/containeranalysis.notes.viewer',
] as const;

/**
 * Apply every stack but `state` (bootstrapped by a human). projectIamAdmin is needed to grant the workloads'
 * roles and the audit configs; it lets the deployer widen its own access, hence the branch + workflow trust.
 * serviceAccountAdmin creates the runtime accounts and sets their IAM policies (Workload Identity bindings, the
 * deployer's own actAs grant on each account it attaches: ServiceIdentity.grantActAs); no project-level
 * serviceAccountUser, so it can act as no account it was not granted on.
 */
export const DEPLOYER_ROLES = [
  'roles/compute.networkAdmin',
  'roles/compute.securityAdmin',
  'roles/compute.loadBalancerAdmin',
  'roles/container.admin',
  'roles/run.admin',
  'roles/cloudsql.admin',
  'roles/redis.admin',
  'roles/storage.admin',
  'roles/secretmanager.admin',
  'roles/cloudkms.admin',
  'roles/iam.serviceAccountAdmin',
  'roles/resourcemanager.projectIamAdmin',
  'roles/logging.admin',
  'roles/monitoring.admin',
  'roles/artifactregistry.admin',
  'roles/serviceusage.serviceUsageAdmin',
  'roles/vpcaccess.admin',
  'roles/servicenetworking.networksAdmin',
  'roles/binaryauthorization.policyEditor',
  // Attestation (security.binaryAuthorization.attestation): the attestor and its grants; the note, its grants
  // and the attestations themselves (Container Analysis occurrences the workflow creates).
  'roles/binaryauthorization.attestorsAdmin',
  'roles/containeranalysis.admin',
] as const;
