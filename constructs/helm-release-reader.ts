import { RoleBindingV1 } from '@cdktf/provider-kubernetes/lib/role-binding-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface HelmReleaseReaderProps {
  /** The namespace the releases live in (Helm keeps each release as a Secret there). */
  readonly namespace: string;
  /** Google identities (service account e-mails: GKE's RBAC names them as users) that refresh the releases. */
  readonly googleIdentities: readonly string[];
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Lets read-only identities refresh `helm_release`s: Helm stores each release as a Secret
 * (`sh.helm.release.v1.<name>.v<N>`, found by label), which project roles like `roles/container.viewer` cannot
 * read. A Role in the release namespace, not GKE IAM's `container.secrets.*`, which would reach every namespace.
 * Those Secrets hold the rendered values, which the same identities already read in Terraform state.
 */
export class HelmReleaseReader extends Construct {
  constructor(scope: Construct, id: string, props: HelmReleaseReaderProps) {
    super(scope, id);
    const { namespace, dependsOn } = props;
    const role = new RoleV1(this, 'role', {
      metadata: { name: 'helm-release-reader', namespace },
      rule: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
      dependsOn,
    });
    new RoleBindingV1(this, 'binding', {
      metadata: { name: 'helm-release-reader', namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name },
      subject: props.googleIdentities.map((name) => ({
        kind: 'User',
        name,
        apiGroup: 'rbac.authorization.k8s.io',
      })),
      dependsOn,
    });
  }
}
