import { GPU_IDS, GPUS, GpuId } from './gpus';

/**
 * Which GPUs an engine image runs on: the lowest CUDA compute capability its kernels are built for, by image
 * version. One rule for every engine, checked at synth (config/sections/inference.ts) for each model's pool.
 *
 * Sources:
 * - vLLM up to v0.14.x: compute capability 7.0 and higher (V100, T4). v0.9.x fell back to its V0 engine below 8.0;
 *   v0.10.2 enabled V1 there (vllm-project/vllm#23614, fp16 on pre-Ampere #24022); the v0.14.0 install docs say
 *   "compute capability 7.0 or higher (e.g., V100, T4 ...)",
 *   https://docs.vllm.ai/en/v0.14.0/getting_started/installation/gpu/ (0.14.0 builds CUDA archs 7.0 7.5 8.0 8.9
 *   ..., vllm-project/vllm#32838).
 * - vLLM after v0.14.x: 7.5 and higher (T4, not V100): later install docs (e.g. v0.21.0 gpu.cuda.inc.md) say 7.5;
 *   the exact release that dropped 7.0 is not pinned down, so every later build is taken as 7.5+. Single models
 *   can still fail on T4 (kernels of one architecture), which no image-level rule sees.
 * - TGI: its flash-attention kernels need Ampere (sm80), https://github.com/huggingface/text-generation-inference/issues/2456
 *   (open); the release is atomic, so on a T4 or V100 the apply fails and rolls back.
 */
export interface EngineImageSupport {
  /** Engine id of config/sections/inference.ts ENGINES. */
  readonly engine: string;
  readonly displayName: string;
  /** Image repository the rule is about; mirrors ending in it (Artifact Registry remote repositories) match too. */
  readonly repository: string;
  /** Last version (inclusive) the rule covers; `major.minor` covers every patch of it. @default every later version */
  readonly upTo?: string;
  readonly minComputeCapability: number;
  /** Why, briefly: named in the error. */
  readonly reason: string;
}

/** Per engine, oldest versions first; the last rule of an engine covers every newer or unknown version. */
export const ENGINE_IMAGE_SUPPORT: readonly EngineImageSupport[] = [
  {
    engine: 'vllm',
    displayName: 'vLLM',
    repository: 'vllm/vllm-openai',
    upTo: '0.14',
    minComputeCapability: 7.0,
    reason: 'vLLM builds up to v0.14.x run on compute capability 7.0 and higher',
  },
  {
    engine: 'vllm',
    displayName: 'vLLM',
    repository: 'vllm/vllm-openai',
    minComputeCapability: 7.5,
    reason: 'vLLM builds after v0.14.x need compute capability 7.5 or higher (T4, L4, A100, H100; not V100)',
  },
  {
    engine: 'tgi',
    displayName: 'TGI',
    repository: 'ghcr.io/huggingface/text-generation-inference',
    minComputeCapability: 8.0,
    reason:
      "TGI's flash-attention kernels need compute capability 8.0 (Ampere) or higher (huggingface/text-generation-inference#2456)",
  },
];

/** The last vLLM image documented for compute capability 7.0 (V100): what the error suggests. */
export const VLLM_LAST_CC70_IMAGE = 'vllm/vllm-openai:v0.14.0';

/**
 * `[major, minor, patch]` of a tag such as `v0.15.1` or `3.3.5` (a digest after it is ignored); undefined for a
 * digest without a tag or another scheme.
 */
function versionOf(image: string): number[] | undefined {
  const ref = image.split('@')[0];
  if (!ref.slice(ref.lastIndexOf('/') + 1).includes(':')) return undefined;
  const tag = ref.slice(ref.lastIndexOf(':') + 1);
  const match = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(tag);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)] : undefined;
}

function notAfter(version: readonly number[], upTo: string): boolean {
  const limit = versionOf(`:${upTo}`)!;
  for (let i = 0; i < upTo.split('.').length; i++) if (version[i] !== limit[i]) return version[i] < limit[i];
  return true;
}

/** The rule covering `image` of `engine` (a digest or an unknown version: the engine's newest rule). */
export function imageSupport(engine: string, image: string): EngineImageSupport {
  const rules = ENGINE_IMAGE_SUPPORT.filter((r) => r.engine === engine);
  if (rules.length === 0) throw new Error(`engine ${engine} has no rule in catalog/engines.ts`);
  const version = versionOf(image);
  return (
    rules.find((r) => r.upTo !== undefined && version !== undefined && notAfter(version, r.upTo)) ??
    rules.at(-1)!
  );
}

/** GPUs of the catalog that `image` of `engine` runs on. */
export function gpusSupporting(engine: string, image: string): GpuId[] {
  const rule = imageSupport(engine, image);
  return GPU_IDS.filter((gpu) => GPUS[gpu].computeCapability >= rule.minComputeCapability);
}

export interface EngineGpuProblem {
  readonly problem: string;
  readonly fix: string;
}

/**
 * Why `image` of `engine` cannot run on `gpu`, with the fix; undefined when it can. `imageField` names the
 * setting that pins the image (e.g. `inference.images.vllm`).
 */
export function engineGpuProblem(
  engine: string,
  image: string,
  gpu: GpuId,
  imageField: string,
): EngineGpuProblem | undefined {
  const rule = imageSupport(engine, image);
  const target = GPUS[gpu];
  if (target.computeCapability >= rule.minComputeCapability) return undefined;
  const supported = gpusSupporting(engine, image).map((g) => GPUS[g].displayName);
  const fixes = [
    `move the model to a pool of ${supported.join(', ')} (e.g. preset l4)`,
    ...(engine === 'vllm' && gpusSupporting('vllm', VLLM_LAST_CC70_IMAGE).includes(gpu)
      ? [
          `pin ${imageField} to "${VLLM_LAST_CC70_IMAGE}", the last vLLM build documented for ${target.displayName}`,
        ]
      : []),
    `remove "${engine}" from inference.engines`,
  ];
  return {
    problem: `image "${image}" (${imageField}) cannot run on ${target.displayName} (compute capability ${target.computeCapability.toFixed(1)}): ${rule.reason}`,
    fix: fixes.join(', or '),
  };
}
