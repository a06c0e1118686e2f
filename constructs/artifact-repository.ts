import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { isHostQualified } from '../catalog/registries';

export interface ArtifactRepositoryProps {
  /** Repository id, e.g. `afpi`. */
  readonly repositoryId: string;
  /** Region or multi-region (`us`, `europe`, `asia`). */
  readonly location: string;
  /** Project hosting the repository; part of every image path. */
  readonly projectId: string;
  /** Newest versions of each image always kept (rollback targets). */
  readonly keepRecentVersions: number;
  /** Untagged images older than this are deleted, unless kept as recent versions. */
  readonly untaggedMaxAgeDays: number;
  /** Resources that must exist first (the Artifact Registry API). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

const SECONDS_PER_DAY = 86_400;

/**
 * A Docker repository for the service images: immutable tags (a released tag always means the same image, so
 * a revision can be rebuilt from its config), cleanup policies that drop old untagged layers but always keep
 * the newest versions, and vulnerability scanning as the project has it.
 */
export class ArtifactRepository extends Construct {
  readonly repository: ArtifactRegistryRepository;
  /** `<location>-docker.pkg.dev/<project>/<repository>`, the prefix of every image in it. */
  readonly imagePrefix: string;

  constructor(scope: Construct, id: string, props: ArtifactRepositoryProps) {
    super(scope, id);
    this.repository = new ArtifactRegistryRepository(this, 'repository', {
      repositoryId: props.repositoryId,
      location: props.location,
      format: 'DOCKER',
      description: 'Container images of the AFPI services',
      dockerConfig: { immutableTags: true },
      cleanupPolicyDryRun: false,
      cleanupPolicies: [
        {
          id: 'delete-untagged',
          action: 'DELETE',
          condition: { tagState: 'UNTAGGED', olderThan: `${props.untaggedMaxAgeDays * SECONDS_PER_DAY}s` },
        },
        // KEEP wins over DELETE: the newest versions stay available for rollback whatever their age.
        { id: 'keep-recent', action: 'KEEP', mostRecentVersions: { keepCount: props.keepRecentVersions } },
      ],
      vulnerabilityScanningConfig: { enablementConfig: 'INHERITED' },
      dependsOn: props.dependsOn,
    });
    // Built from the resource's attributes so every service using an image depends on the repository.
    this.imagePrefix = `${this.repository.location}-docker.pkg.dev/${props.projectId}/${this.repository.repositoryId}`;
  }

  /**
   * Full reference of `image`: `<name>:<tag>` or `<name>@sha256:<digest>` resolves into this repository; a
   * reference whose first segment is a registry host (`host.tld/...`) is kept as given.
   */
  imageUrl(image: string): string {
    return isHostQualified(image) ? image : `${this.imagePrefix}/${image}`;
  }
}
