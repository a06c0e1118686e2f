import { z } from 'zod';
import { engineGpuProblem, gpusSupporting } from '../../catalog/engines';
import { countsFor, GPUS } from '../../catalog/gpus';
import { DEFAULT_GPU_MEMORY_UTILIZATION, PRECISIONS } from '../../catalog/fit';
import { enginePodFitProblem, enginePodSize } from '../../catalog/node-capacity';
import { MODEL_IDS } from '../../catalog/models';
import { minNotAboveMax, pinnedImage, report, show } from '../rules';
import { GkeConfig, GpuPool, gpuPoolsOf, reportModelFit } from './gke';

export const ENGINES = ['vllm', 'tgi'] as const;
export type Engine = (typeof ENGINES)[number];

/** Pinned images and chart the stack deploys; each is a real release (see helm-values/*.yaml). */
export const DEFAULT_IMAGES = {
  vllm: 'vllm/vllm-openai:v0.15.1',
  router: 'lmcache/lmstack-router:v0.1.12',
  tgi: 'ghcr.io/huggingface/text-generation-inference:3.3.5',
} as const;
export const DEFAULT_VLLM_CHART_VERSION = '0.1.12';

/**
 * An engine image: pinned (pinnedImage), and a digest only together with its tag, `<image>:<tag>@sha256:<64 hex>`:
 * the charts render `<repository>:<tag>`, so the digest rides on the tag (the node pulls by the digest).
 */
function engineImage(example: string) {
  return pinnedImage(example).superRefine((value, ctx) => {
    if (!value.includes('@')) return;
    const ref = value.slice(0, value.indexOf('@'));
    const tagged = ref.slice(ref.lastIndexOf('/') + 1).includes(':');
    if (!tagged || !/^[^@]+@sha256:[a-f0-9]{64}$/.test(value)) {
      report(
        ctx,
        [],
        `(${show(value)}) is not "<image>:<tag>@sha256:<64 hex digits>". Fix: keep the tag and append the image's digest, e.g. "${example}@sha256:<digest>" (\`docker buildx imagetools inspect ${example}\` prints it)`,
      );
    }
  });
}

const engine = z.string().superRefine((value, ctx) => {
  if (!(ENGINES as readonly string[]).includes(value)) {
    report(ctx, [], `(${show(value)}) is not an inference engine. Fix: use ${ENGINES.join(' or ')}`);
  }
});

const kubernetesName = z.string().regex(/^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/, {
  error: (issue) =>
    `(${show(issue.input)}) is not a Kubernetes name. Fix: up to 40 lowercase letters, digits and "-", starting with a letter`,
});

const replicas = z.number().int().min(1).max(5);

const modelSchema = z
  .strictObject({
    /** Catalog model id (catalog/models.ts), e.g. "mistral-7b-instruct-v0.2". */
    name: z.enum(MODEL_IDS),
    /** gke.gpuPools name the model runs on; one replica takes one node (tensor-parallel = its GPUs). */
    pool: z.string().min(1),
    /** Weight precision: fp16/bf16, int8 (bitsandbytes at load) or a 4-bit awq/gptq checkpoint. @default "fp16" */
    precision: z.enum(PRECISIONS).default('fp16'),
    /** Longest sequence (prompt + output) served; sizes the KV cache. @default 4096, capped at the model's context */
    maxModelLen: z.number().int().min(256).max(131072).optional(),
    /** Fraction of GPU memory the server may claim. @default 0.9 */
    gpuMemoryUtilization: z.number().min(0.5).max(0.95).default(DEFAULT_GPU_MEMORY_UTILIZATION),
    /** HPA floor per engine (seed: 1). @default 1 */
    minReplicas: replicas.default(1),
    /** HPA ceiling per engine (seed: 5). @default 5 */
    maxReplicas: replicas.default(5),
  })
  .superRefine((value, ctx) => minNotAboveMax(ctx, value, 'minReplicas', 'maxReplicas'));

export const inferenceSection = z.strictObject({
  /** Engines that serve every model: vLLM (recommended by the seed) and/or TGI. @default ["vllm", "tgi"] */
  engines: z.array(engine).min(1).default(['vllm', 'tgi']),
  /** Models to serve, each placed on a GPU pool by the catalog's fit rule. @default [] */
  models: z.array(modelSchema).default([]),
  /** Pinned container images, by tag or by tag and digest (`<image>:<tag>@sha256:<digest>`). @default DEFAULT_IMAGES */
  images: z
    .strictObject({
      /** vLLM engine; which GPUs each build runs on: catalog/engines.ts (checked for every model's pool). */
      vllm: engineImage(DEFAULT_IMAGES.vllm).default(DEFAULT_IMAGES.vllm),
      /** production-stack router, released with the chart (`v<chart version>`). */
      router: engineImage(DEFAULT_IMAGES.router).default(DEFAULT_IMAGES.router),
      tgi: engineImage(DEFAULT_IMAGES.tgi).default(DEFAULT_IMAGES.tgi),
    })
    .prefault({}),
  /** Version of the `vllm-stack` chart from https://vllm-project.github.io/production-stack. @default "0.1.12" */
  vllmChartVersion: z
    .string()
    .regex(/^\d+\.\d+\.\d+$/, {
      error: (issue) =>
        `(${show(issue.input)}) is not a chart version. Fix: pin a released version such as "0.1.12"`,
    })
    .default(DEFAULT_VLLM_CHART_VERSION),
  autoscaling: z
    .strictObject({
      /**
       * `cpu` (seed: 70 %) or `queue-depth`: waiting requests per pod (vllm:num_requests_waiting,
       * tgi_queue_size) from Managed Prometheus through the custom metrics adapter. @default "cpu"
       */
      metric: z.enum(['cpu', 'queue-depth']).default('cpu'),
      /** @default 70 (seed) */
      cpuTargetPercent: z.number().int().min(10).max(95).default(70),
      /** Waiting requests per pod above which a replica is added. @default 5 */
      queueDepthTarget: z.number().int().min(1).max(1000).default(5),
    })
    .prefault({}),
  /**
   * Where weights come from: `gcsfuse` mounts the model bucket read-only (upload weights to
   * gs://<bucket>/models/<hugging-face-id>/ first); `pvc` downloads from Hugging Face into a volume. @default "gcsfuse"
   */
  modelCache: z.enum(['gcsfuse', 'pvc']).default('gcsfuse'),
  /** Volume for `pvc`; a ReadWriteMany class lets replicas on other nodes share it. */
  pvc: z
    .strictObject({
      /** @default 100 */
      sizeGb: z.number().int().min(10).max(65536).default(100),
      /** Filestore class (needs the cluster's Filestore CSI driver). @default "standard-rwx" */
      storageClass: z.string().min(1).default('standard-rwx'),
    })
    .prefault({}),
  /** data.secrets id holding the Hugging Face token (gated models, pvc downloads). @default "hf-token" */
  hfTokenSecret: z.string().min(1).default('hf-token'),
  /** Namespace of the engines. @default "inference" */
  namespace: kubernetesName.default('inference'),
});

export type InferenceConfig = z.output<typeof inferenceSection>;
export type InferenceModelConfig = InferenceConfig['models'][number];

interface InferenceRulesInput {
  readonly tier: string;
  readonly region: string;
  readonly stacks: readonly string[];
  readonly gke?: GkeConfig;
  readonly inference?: InferenceConfig;
  readonly data: { readonly secrets: readonly { readonly id: string }[] };
}

/** Whether the cluster runs Google Managed Prometheus (on unless the gke section has a switch that turns it off). */
function managedPrometheus(gke: GkeConfig | undefined): boolean {
  return gke?.managedPrometheus !== false;
}

/** Cross-section rules of `inference`: pools from gke, the fit rule, managed Prometheus, the HF token secret. */
export function inferenceRules(config: InferenceRulesInput, ctx: z.RefinementCtx): void {
  const hasStack = config.stacks.includes('inference');
  const inference = config.inference;
  if (!inference) {
    if (hasStack) {
      report(
        ctx,
        ['inference'],
        `is missing while stacks has "inference". Fix: add an inference section (see config/tiers/scale.yaml)`,
      );
    }
    return;
  }
  if (!hasStack) {
    report(
      ctx,
      ['inference'],
      `is set but tier ${config.tier} has no inference stack. Fix: remove the inference section`,
    );
    return;
  }
  const seenEngines = new Set<string>();
  inference.engines.forEach((name, index) => {
    if (seenEngines.has(name)) {
      report(
        ctx,
        ['inference', 'engines', index],
        `(${show(name)}) is listed twice. Fix: list each engine once`,
      );
    }
    seenEngines.add(name);
  });

  const pools = gpuPoolsOf(config.gke);
  const seenModels = new Set<string>();
  inference.models.forEach((model, index) => {
    const at = (field: string) => ['inference', 'models', index, field];
    if (seenModels.has(model.name)) {
      report(
        ctx,
        at('name'),
        `(${show(model.name)}) is listed twice. Fix: serve each model once (raise maxReplicas instead)`,
      );
    }
    seenModels.add(model.name);
    const pool = pools.find((p) => p.name === model.pool);
    if (!pool) {
      const names = pools.map((p) => p.name);
      report(
        ctx,
        at('pool'),
        `(${show(model.pool)}) is not a GPU pool of gke.gpuPools (${names.length > 0 ? names.join(', ') : 'none'}). Fix: use ${names.length > 0 ? `one of ${names.join(', ')}` : 'a pool'} or add it to gke.gpuPools`,
      );
      return;
    }
    reportModelFit(ctx, at('name'), model.name, {
      model: model.name,
      precision: model.precision,
      pool,
      gpuMemoryUtilization: model.gpuMemoryUtilization,
      maxModelLen: model.maxModelLen,
      region: config.region,
    });
    for (const name of ENGINES.filter((e) => inference.engines.includes(e))) {
      const wrong = engineGpuProblem(name, inference.images[name], pool.gpu, `inference.images.${name}`);
      if (wrong)
        report(
          ctx,
          at('pool'),
          `(${show(model.pool)}) cannot serve with ${name}: ${wrong.problem}. Fix: ${wrong.fix}`,
        );
    }
    const unfit = enginePodFitProblem(pool.machineType, enginePodSize(pool));
    if (unfit) {
      report(ctx, at('pool'), `(${show(model.pool)}): ${unfit}. Fix: give the pool a larger machine type`);
    }
    checkFallbackShapes(ctx, config.region, inference, model, `inference.models.${index}`, pool);
  });

  if (config.gke?.mode === 'standard') checkPoolCapacity(inference, pools, ctx);
  if (inference.autoscaling.metric === 'queue-depth' && !managedPrometheus(config.gke)) {
    report(
      ctx,
      ['inference', 'autoscaling', 'metric'],
      `("queue-depth") needs Google Managed Prometheus, which gke.managedPrometheus turns off. Fix: set gke.managedPrometheus to true, or use metric "cpu"`,
    );
  }
  if (!config.data.secrets.some((secret) => secret.id === inference.hfTokenSecret)) {
    report(
      ctx,
      ['inference', 'hfTokenSecret'],
      `(${show(inference.hfTokenSecret)}) is not in data.secrets (${config.data.secrets.map((s) => s.id).join(', ')}). Fix: use one of them or add it to data.secrets`,
    );
  }
}

/**
 * The fit rule over every other shape the pool's capacity list may land the model on: GPU memory, the engine
 * images' compute capability and the engine pod's size (sized from the pool's own machine type). Reported at the
 * capacity option, which is what to change.
 */
function checkFallbackShapes(
  ctx: z.RefinementCtx,
  region: string,
  inference: InferenceConfig,
  model: InferenceModelConfig,
  modelField: string,
  pool: GpuPool,
): void {
  for (const option of pool.capacity) {
    if (option.machineType === pool.machineType && option.gpu === pool.gpu) continue;
    // A shape the catalog refuses is reported by the gke rules already.
    const valid = countsFor(option.machineType, option.gpu).includes(option.gpuCount);
    if (!valid || option.gpuCount !== pool.gpuCount) continue;
    const { config } = option;
    const field =
      config.gpu !== undefined && option.gpu !== pool.gpu
        ? 'gpu'
        : config.machineType !== undefined
          ? 'machineType'
          : config.preset !== undefined
            ? 'preset'
            : 'gpu';
    const at = [...option.path, field];
    const value = config[field];
    const subject = `${modelField} (${model.name}) falls back to ${option.nodePoolName}`;
    reportModelFit(ctx, at, value, {
      model: model.name,
      precision: model.precision,
      pool: { ...pool, ...option, name: option.nodePoolName },
      gpuMemoryUtilization: model.gpuMemoryUtilization,
      maxModelLen: model.maxModelLen,
      region,
    });
    for (const name of ENGINES.filter((e) => inference.engines.includes(e))) {
      const wrong = engineGpuProblem(name, inference.images[name], option.gpu, `inference.images.${name}`);
      if (wrong) {
        const runs = gpusSupporting(name, inference.images[name]).map((g) => GPUS[g].displayName);
        report(
          ctx,
          at,
          `(${show(value)}): ${subject}, where ${wrong.problem}. Fix: give this option a GPU ${name} runs on (${runs.join(', ')}), or remove the option`,
        );
      }
    }
    const unfit = enginePodFitProblem(option.machineType, enginePodSize(pool));
    if (unfit) {
      report(
        ctx,
        at,
        `(${show(value)}): ${subject}, but ${unfit} (pods are sized from ${pool.machineType}). Fix: give this option a machine type at least as large as ${pool.machineType}`,
      );
    }
  }
}

/**
 * A replica takes a whole node of its pool (all its GPUs), for every engine: the pool must hold the floor of
 * replicas, or pods stay pending and the atomic releases roll back after their timeout; and the ceiling, or the
 * HPAs ask for replicas that stay pending while they count on them.
 */
function checkPoolCapacity(
  inference: InferenceConfig,
  pools: readonly GpuPool[],
  ctx: z.RefinementCtx,
): void {
  for (const pool of pools) {
    const indexes = inference.models.flatMap((model, index) => (model.pool === pool.name ? [index] : []));
    if (indexes.length === 0) continue;
    // One node per replica and engine: the pool must hold the models' minimum, and should hold their ceiling.
    const engines = `${inference.engines.length} engine${inference.engines.length > 1 ? 's' : ''}`;
    const replicasOf = (field: 'minReplicas' | 'maxReplicas') =>
      indexes.reduce((sum, index) => sum + inference.models[index][field], 0);
    const replicas = replicasOf('minReplicas');
    const nodes = replicas * inference.engines.length;
    if (nodes > pool.maxNodes) {
      const last = indexes[indexes.length - 1];
      report(
        ctx,
        ['inference', 'models', last, 'pool'],
        `(${show(pool.name)}) needs ${nodes} nodes for the models' minReplicas (${replicas} x ${engines}, one node per replica) but the pool allows maxNodes ${pool.maxNodes}. Fix: raise the pool's maxNodes, lower minReplicas, or serve with fewer engines`,
      );
      continue;
    }
    const ceiling = replicasOf('maxReplicas');
    const ceilingNodes = ceiling * inference.engines.length;
    if (ceilingNodes > pool.maxNodes) {
      const last = indexes[indexes.length - 1];
      report(
        ctx,
        ['inference', 'models', last, 'maxReplicas'],
        `(${inference.models[last].maxReplicas}) needs up to ${ceilingNodes} nodes of pool ${show(pool.name)} (${ceiling} x ${engines}, one node per replica) but the pool allows maxNodes ${pool.maxNodes}. Fix: lower the maxReplicas of the models on ${show(pool.name)} to ${Math.floor(pool.maxNodes / inference.engines.length)} in total, or raise the pool's maxNodes to ${ceilingNodes}`,
      );
    }
  }
}
