import { EnvironmentConfig } from '../config/schema';
import { Engine } from '../config/sections/inference';
import { modelSyncRuns } from '../inference/model-sync';
import {
  CUSTOM_METRICS_ADAPTER_IMAGE,
  imagePattern,
  isHostQualified,
  mirroredImage,
  mirrorPrefix,
  serviceRepository,
} from '../catalog/registries';

/** Our services' repository, `<location>-docker.pkg.dev/<project>/afpi`. */
export function ownRepository(config: EnvironmentConfig): string {
  return serviceRepository(config.projectId, config.region, config.disasterRecovery);
}

/**
 * The images the deploy workflow attests (security.binaryAuthorization.attestation): the Cloud Run services'
 * images in our repository, by tag or digest as configured (the workflow signs the digest a tag points to).
 */
export function attestedImages(config: EnvironmentConfig): string[] {
  if (!config.security.binaryAuthorization.attestation) return [];
  return [
    ...new Set(
      [config.cloudRun.frontend.image, config.cloudRun.backend.image]
        .filter((image) => !isHostQualified(image))
        .map((image) => `${ownRepository(config)}/${image}`),
    ),
  ];
}

/**
 * The Binary Authorization allowlist of an environment: what its stacks deploy, computed from config (image
 * paths are plain names, so the policy can be applied before the repositories exist).
 * - our services' repository, whole: CI pushes every release there (immutable tags); with attestation on it is
 *   left out, and the default rule admits its images only with CI's attestation;
 * - each engine and router image (and the model-sync Jobs' image) at its pinned repository through the registry
 *   mirrors, not the mirrors whole (a mirror pulls anything from Docker Hub or GitHub);
 * - a service image configured on another registry, and the custom metrics adapter when it is deployed;
 * - `security.binaryAuthorization.allowlist`.
 * GKE's own system images are admitted by the policy's global evaluation mode.
 */
export function admittedImages(config: EnvironmentConfig): string[] {
  const repository = config.security.binaryAuthorization.attestation ? [] : [`${ownRepository(config)}/**`];
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
      ...repository,
      ...services,
      ...engines,
      ...adapter,
      ...config.security.binaryAuthorization.allowlist,
    ]),
  ];
}
