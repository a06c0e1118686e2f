import {
  ArtifactRegistryRepository,
  ArtifactRegistryRepositoryRemoteRepositoryConfigDockerRepository,
} from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Grantee } from './grantee';

/** An upstream registry the cluster pulls public images from, and how Artifact Registry reaches it. */
interface Upstream {
  /** Repository id of its mirror. */
  readonly repositoryId: string;
  /** Hosts of image references served by it; the first reference segment without a dot is Docker Hub. */
  readonly hosts: readonly string[];
  readonly docker: ArtifactRegistryRepositoryRemoteRepositoryConfigDockerRepository;
}

const DOCKER_HUB: Upstream = {
  repositoryId: 'docker-hub',
  hosts: ['docker.io', 'index.docker.io', 'registry-1.docker.io'],
  docker: { publicRepository: 'DOCKER_HUB' },
};
const UPSTREAMS: readonly Upstream[] = [
  DOCKER_HUB,
  { repositoryId: 'ghcr', hosts: ['ghcr.io'], docker: { customRepository: { uri: 'https://ghcr.io' } } },
];

/** Repository ids of the mirrors (each pulls anything its upstream serves). */
export const MIRROR_REPOSITORY_IDS: readonly string[] = UPSTREAMS.map((u) => u.repositoryId);

/** `<location>-docker.pkg.dev/<project>`: where the mirrors of a project and region live. */
export function mirrorPrefix(projectId: string, location: string): string {
  return `${location}-docker.pkg.dev/${projectId}`;
}

/**
 * The mirrored reference of a public image: `vllm/vllm-openai:v1` and `ghcr.io/org/image:v1` resolve into the
 * mirrors under `prefix` (Docker Hub's official images under `library/`); references to other registries are kept
 * as given.
 */
export function mirroredImage(image: string, prefix: string): string {
  const [first, ...rest] = image.split('/');
  const hosted = rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hosted) return `${prefix}/${DOCKER_HUB.repositoryId}/${rest.length > 0 ? image : `library/${image}`}`;
  const upstream = UPSTREAMS.find((u) => u.hosts.includes(first));
  if (!upstream) return image;
  const path = upstream === DOCKER_HUB && rest.length === 1 ? ['library', ...rest] : rest;
  return `${prefix}/${upstream.repositoryId}/${path.join('/')}`;
}

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
