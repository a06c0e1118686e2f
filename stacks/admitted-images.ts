import { EnvironmentConfig } from '../config/schema';
import { Engine } from '../config/sections/inference';
import {
  isHostQualified,
  repositoryLocation,
  SERVICE_REPOSITORY_ID,
} from '../constructs/artifact-repository';
import { imagePattern } from '../constructs/binary-authorization-policy';
import { CUSTOM_METRICS_ADAPTER_IMAGE } from '../constructs/custom-metrics-adapter';
import { modelSyncRuns } from '../constructs/model-sync';
import { mirroredImage, mirrorPrefix } from '../constructs/registry-mirrors';

/**
 * The Binary Authorization allowlist of an environment: what its stacks deploy, computed from config (image
 * paths are plain names, so the policy can be applied before the repositories exist).
 * - our services' repository, whole: CI pushes every release there (immutable tags);
 * - each engine and router image (and the model-sync Jobs' image) at its pinned repository through the registry mirrors, not the mirrors
 *   whole (a mirror pulls anything from Docker Hub or GitHub);
 * - a service image configured on another registry, and the custom metrics adapter when it is deployed;
 * - `security.binaryAuthorization.allowlist`.
 * GKE's own system images are admitted by the policy's global evaluation mode.
 */
export function admittedImages(config: EnvironmentConfig): string[] {
  const ownRepository = `${repositoryLocation(config.region, config.disasterRecovery)}-docker.pkg.dev/${config.projectId}/${SERVICE_REPOSITORY_ID}/**`;
  const services = [config.cloudRun.frontend.image, config.cloudRun.backend.image]
    .filter(isHostQualified)
    .map(imagePattern);
  const inference = config.stacks.includes('inference') ? config.inference : undefined;
  const engines = inference
    ? [
        ...inference.engines.map((engine) => inference.images[engine as Engine]),
        ...(inference.engines.includes('vllm') ? [inference.images.router] : []),
        // The model-sync Jobs run the vLLM image (constructs/model-sync.ts), whatever the engines.
        ...(modelSyncRuns(config) ? [inference.images.vllm] : []),
      ].map((image) => imagePattern(mirroredImage(image, mirrorPrefix(config.projectId, config.region))))
    : [];
  const adapter =
    inference?.autoscaling.metric === 'queue-depth' ? [imagePattern(CUSTOM_METRICS_ADAPTER_IMAGE)] : [];
  return [
    ...new Set([
      ownRepository,
      ...services,
      ...engines,
      ...adapter,
      ...config.security.binaryAuthorization.allowlist,
    ]),
  ];
}
