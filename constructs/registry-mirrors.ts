import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { mirroredImage, mirrorPrefix, UPSTREAMS } from '../catalog/registries';
import { Grantee } from './grantee';

export interface RegistryMirrorsProps {
  readonly projectId: string;
  /** Region of the mirrors: where the nodes pull from. */
  readonly location: string;
  /** The Artifact Registry API. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Artifact Registry remote repositories for the public registries the engines come from (Docker Hub, GitHub's):
 * nodes pull through Google's cache, so no anonymous pull from the shared NAT addresses meets Docker Hub's rate
 * limit, an upstream outage does not stop a scale-up, and every image comes from one path of the project (what
 * a Binary Authorization allowlist admits). The nodes pull with `artifactregistry.reader` on these repositories
 * only (grantRead), not on the project.
 */
export class RegistryMirrors extends Construct {
  readonly repositories: readonly ArtifactRegistryRepository[];
  private readonly prefix: string;

  constructor(scope: Construct, id: string, props: RegistryMirrorsProps) {
    super(scope, id);
    // Plain strings, not the repositories' attributes: image references are split on ":" into Helm values.
    this.prefix = mirrorPrefix(props.projectId, props.location);
    this.repositories = UPSTREAMS.map(
      (upstream) =>
        new ArtifactRegistryRepository(this, upstream.repositoryId, {
          repositoryId: upstream.repositoryId,
          location: props.location,
          format: 'DOCKER',
          mode: 'REMOTE_REPOSITORY',
          description: `Pull-through cache of ${upstream.hosts[0]}`,
          remoteRepositoryConfig: {
            description: upstream.hosts[0],
            dockerRepository: upstream.docker,
          },
          dependsOn: props.dependsOn,
        }),
    );
  }

  /** Lets `grantee` pull from every mirror (`roles/artifactregistry.reader` on each repository). */
  grantRead(grantee: Grantee): ArtifactRegistryRepositoryIamMember[] {
    return this.repositories.map(
      (repository, i) =>
        new ArtifactRegistryRepositoryIamMember(
          grantee.grantScope,
          `${grantee.grantId}-reads-${UPSTREAMS[i].repositoryId}`,
          {
            location: repository.location,
            repository: repository.name,
            role: 'roles/artifactregistry.reader',
            member: grantee.member,
          },
        ),
    );
  }

  /** The mirrored reference of a public image (see mirroredImage). */
  imageUrl(image: string): string {
    return mirroredImage(image, this.prefix);
  }
}
