/**
 * Where images live: the services' repository, and the public registries the cluster pulls from through
 * Artifact Registry mirrors, with how an image reference maps into them. Data without cdktf: config validation uses it too, and loading it must not load the
 * provider classes the RegistryMirrors construct needs.
 */
import type { ArtifactRegistryRepositoryRemoteRepositoryConfigDockerRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';

/** An upstream registry the cluster pulls public images from, and how Artifact Registry reaches it. */
export interface Upstream {
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
export const UPSTREAMS: readonly Upstream[] = [
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

/** Repository id of the services' images (the cloud-run stack's repository). */
export const SERVICE_REPOSITORY_ID = 'afpi';

/**
 * Artifact Registry multi-regions: a DR tier keeps images where both serving regions can pull them when the
 * primary region is down; otherwise the repository sits beside the services.
 */
export function repositoryLocation(region: string, multiRegion: boolean): string {
  return multiRegion ? region.split('-')[0] : region;
}

/** `<location>-docker.pkg.dev/<project>/afpi`: the services' repository, as image references name it. */
export function serviceRepository(projectId: string, region: string, multiRegion: boolean): string {
  return `${repositoryLocation(region, multiRegion)}-docker.pkg.dev/${projectId}/${SERVICE_REPOSITORY_ID}`;
}

/** Whether `image` names its registry host (`host.tld/...`) rather than a path in our repository. */
export function isHostQualified(image: string): boolean {
  return image.includes('/') && image.split('/')[0].includes('.');
}

/** The allowlist pattern of one pinned image: its repository at any tag (`repo:*`) or digest (`repo@*`). */
export function imagePattern(image: string): string {
  const at = image.indexOf('@');
  if (at >= 0) return `${image.slice(0, at)}@*`;
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? `${image.slice(0, colon)}:*` : image;
}

/** Google's release of the adapter (k8s-stackdriver, deploy/production/adapter_new_resource_model.yaml). */
export const CUSTOM_METRICS_ADAPTER_IMAGE =
  'gcr.io/gke-release/custom-metrics-stackdriver-adapter:v0.15.1-gke.0';
