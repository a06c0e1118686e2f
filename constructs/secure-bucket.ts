import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { StorageBucketIamMember } from '@cdktf/provider-google/lib/storage-bucket-iam-member';
import { StorageBucketIamPolicy } from '@cdktf/provider-google/lib/storage-bucket-iam-policy';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Grantee } from './grantee';

export interface SecureBucketProps {
  /** Globally unique bucket name. */
  readonly name: string;
  /** Bucket location (region or multi-region). */
  readonly location: string;
  /** Noncurrent versions kept per object before lifecycle deletes the oldest. */
  readonly noncurrentVersionsKept: number;
  /** Days a noncurrent version is kept at most, whatever the count. @default - kept until outnumbered */
  readonly noncurrentVersionMaxAgeDays?: number;
  /** Cloud KMS key for CMEK. @default - Google-managed encryption */
  readonly kmsKeyName?: string;
  /** Extra resource labels (provider default labels still apply). @default {} */
  readonly labels?: Record<string, string>;
  /** Resources that must exist first, e.g. the KMS grant to the GCS service agent. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A GCS bucket with the settings every bucket of ours needs: versioning, uniform bucket-level access, public
 * access prevention enforced, no force_destroy, bounded noncurrent versions, optional CMEK.
 */
export class SecureBucket extends Construct {
  readonly bucket: StorageBucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    const noncurrentRules = [
      {
        action: { type: 'Delete' },
        condition: { numNewerVersions: props.noncurrentVersionsKept, withState: 'ARCHIVED' },
      },
      ...(props.noncurrentVersionMaxAgeDays === undefined
        ? []
        : [
            {
              action: { type: 'Delete' },
              condition: { daysSinceNoncurrentTime: props.noncurrentVersionMaxAgeDays },
            },
          ]),
    ];
    this.bucket = new StorageBucket(this, 'bucket', {
      name: props.name,
      location: props.location,
      storageClass: 'STANDARD',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      forceDestroy: false,
      versioning: { enabled: true },
      lifecycleRule: noncurrentRules,
      encryption: props.kmsKeyName ? { defaultKmsKeyName: props.kmsKeyName } : undefined,
      labels: props.labels,
      dependsOn: props.dependsOn,
    });
  }

  get name(): string {
    return this.bucket.name;
  }

  /**
   * Replaces the bucket's whole IAM policy with `membersByRole` (role -> members): the default convenience
   * bindings (project owners, editors and viewers) go. Project-level storage roles still apply; see docs/operations.md "What is and is not in Terraform state".
   * Members must be literal (no references), so the policy stays a plain JSON document.
   */
  limitAccessTo(
    membersByRole: Readonly<Record<string, readonly string[]>>,
    dependsOn?: ITerraformDependable[],
  ) {
    const bindings = Object.entries(membersByRole)
      .filter(([, members]) => members.length > 0)
      .map(([role, members]) => ({ role, members: [...members].sort() }));
    return new StorageBucketIamPolicy(this, 'policy', {
      bucket: this.bucket.name,
      policyData: JSON.stringify({ bindings }),
      dependsOn,
    });
  }

  /** Lets `grantee` list and read objects (not write or delete them). */
  grantRead(grantee: Grantee): StorageBucketIamMember {
    return new StorageBucketIamMember(grantee.grantScope, `${grantee.grantId}-reads-${this.node.id}`, {
      bucket: this.bucket.name,
      role: 'roles/storage.objectViewer',
      member: grantee.member,
    });
  }

  /** Lets `grantee` list, read, create and replace objects (a writer that keeps the bucket in sync). */
  grantWrite(grantee: Grantee): StorageBucketIamMember {
    return new StorageBucketIamMember(grantee.grantScope, `${grantee.grantId}-writes-${this.node.id}`, {
      bucket: this.bucket.name,
      role: 'roles/storage.objectUser',
      member: grantee.member,
    });
  }
}
