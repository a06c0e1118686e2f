import { Construct } from 'constructs';

/**
 * Something that can be granted access: an IAM principal plus the construct scope its grants live in.
 * Grants are created in the grantee's scope so that a downstream stack (the one holding the identity) reads
 * the upstream resource, never the other way around; stacks stay acyclic.
 */
export interface Grantee {
  /** IAM member string, e.g. `serviceAccount:backend@p.iam.gserviceaccount.com`. */
  readonly member: string;
  /** Scope in which grant resources for this principal are created. */
  readonly grantScope: Construct;
  /** Short id used to name grant resources, unique within `grantScope`. */
  readonly grantId: string;
}
