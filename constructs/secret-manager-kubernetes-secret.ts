import { DataGoogleSecretManagerSecretVersion } from '@cdktf/provider-google/lib/data-google-secret-manager-secret-version';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface SecretManagerKubernetesSecretProps {
  /** Full id `projects/<p>/secrets/<id>` of the Secret Manager secret (ManagedSecret.id). */
  readonly secretId: string;
  readonly namespace: string;
  /** Name of the Kubernetes Secret. */
  readonly name: string;
  /** Key of the value in the Kubernetes Secret. */
  readonly key: string;
  /** The namespace. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The latest version of a Secret Manager secret copied into a Kubernetes Secret, for software that only takes a
 * secret as an environment variable (`secretKeyRef`): the GKE Secret Manager add-on mounts files only. The value
 * is in this stack's Terraform state (the data source's result and the Secret's `data`); a new version reaches
 * the Secret at the next apply, and the pods at their next start.
 */
export class SecretManagerKubernetesSecret extends Construct {
  readonly secret: SecretV1;

  constructor(scope: Construct, id: string, props: SecretManagerKubernetesSecretProps) {
    super(scope, id);
    const version = new DataGoogleSecretManagerSecretVersion(this, 'latest', { secret: props.secretId });
    this.secret = new SecretV1(this, 'secret', {
      metadata: { name: props.name, namespace: props.namespace },
      type: 'Opaque',
      data: { [props.key]: version.secretData },
      dependsOn: props.dependsOn,
    });
  }
}
