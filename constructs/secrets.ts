import { SecretManagerSecret } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { SecretManagerSecretVersion } from '@cdktf/provider-google/lib/secret-manager-secret-version';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Grantee } from './grantee';

export interface ManagedSecretProps {
  readonly secretId: string;
  /** Regions the secret is replicated to (user-managed replication keeps data in our serving regions). */
  readonly replicaRegions: readonly string[];
  /** Stored as the `description` annotation. */
  readonly description: string;
  /**
   * A value Terraform already holds (e.g. a Google-generated Redis AUTH string). Never pass literals: values
   * of API keys are added out of band. @default none (a container only)
   */
  readonly valueFromState?: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** A Secret Manager secret; readers get `roles/secretmanager.secretAccessor` on this secret only. */
export class ManagedSecret extends Construct {
  readonly secret: SecretManagerSecret;
  readonly version?: SecretManagerSecretVersion;

  constructor(scope: Construct, id: string, props: ManagedSecretProps) {
    super(scope, id);
    this.secret = new SecretManagerSecret(this, 'secret', {
      secretId: props.secretId,
      replication: { userManaged: { replicas: props.replicaRegions.map((location) => ({ location })) } },
      annotations: { description: props.description },
      dependsOn: props.dependsOn,
    });
    if (props.valueFromState !== undefined) {
      this.version = new SecretManagerSecretVersion(this, 'version', {
        secret: this.secret.id,
        secretData: props.valueFromState,
      });
    }
  }

  /** The secret's short id, as Cloud Run `secret_key_ref.secret` takes it. */
  get secretId(): string {
    return this.secret.secretId;
  }

  /** Full resource id `projects/<p>/secrets/<id>`. */
  get id(): string {
    return this.secret.id;
  }

  /** Lets `grantee` read this secret's versions. */
  grantAccess(grantee: Grantee): SecretManagerSecretIamMember {
    return new SecretManagerSecretIamMember(
      grantee.grantScope,
      `${grantee.grantId}-reads-secret-${this.node.id}`,
      {
        secretId: this.secret.id,
        role: 'roles/secretmanager.secretAccessor',
        member: grantee.member,
      },
    );
  }
}
