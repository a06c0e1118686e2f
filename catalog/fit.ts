import { allShapes, GPUS, zonesOffering } from './gpus';
import { MODELS, Model, ModelId } from './models';
import { describeGpus, GpuShape, nodeGpuMemoryGb } from './presets';

/**
 * The fit rule: a model is placed on a pool only if what it needs fits in the pool's GPU memory (GPUs per
 * node x memory per GPU) times the GPU memory utilisation the server may claim. One replica spans one node:
 * the tensor-parallel size is the pool's GPUs per node.
 *
 * What it needs (GB = 10^9 bytes, like the GPU memory figures):
 * - weights: parameters x bytes per parameter of its precision (BYTES_PER_PARAM);
 * - runtime headroom: RUNTIME_OVERHEAD_FRACTION of the weights for activations, CUDA graphs and allocator
 *   fragmentation;
 * - KV cache for one full sequence of `maxModelLen` tokens at 16 bits (2 x layers x KV heads x head size x 2
 *   bytes per token): vLLM refuses to start when its cache cannot hold one sequence of the maximum length.
 */

export const PRECISIONS = ['fp16', 'bf16', 'int8', 'awq', 'gptq'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Bytes per parameter: 16-bit floats 2, 8-bit 1, 4-bit AWQ/GPTQ 0.5. */
export const BYTES_PER_PARAM: Readonly<Record<Precision, number>> = {
  fp16: 2,
  bf16: 2,
  int8: 1,
  awq: 0.5,
  gptq: 0.5,
};

/** Headroom for activations, CUDA graphs and fragmentation, as a fraction of the weights. */
export const RUNTIME_OVERHEAD_FRACTION = 0.1;

/** Bytes per KV-cache element (the cache stays 16-bit whatever the weights' precision). */
export const KV_CACHE_BYTES_PER_VALUE = 2;

/** Fraction of GPU memory the server may claim (vLLM `--gpu-memory-utilization`). */
export const DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;

/** Maximum sequence length served when not set: Llama-2's context, and what the KV reservation is sized for. */
export const DEFAULT_MAX_MODEL_LEN = 4096;

/** Lighter precisions to suggest, best quality first. */
const LIGHTER: readonly Precision[] = ['int8', 'awq', 'gptq'];

export interface MemoryNeed {
  readonly weightsGb: number;
  readonly runtimeGb: number;
  readonly kvCacheGb: number;
  readonly totalGb: number;
  /** Sequence length the KV cache was sized for. */
  readonly maxModelLen: number;
}

/** Memory `model` needs at `precision` to serve sequences of up to `maxModelLen` tokens. */
export function memoryNeed(model: ModelId, precision: Precision, maxModelLen?: number): MemoryNeed {
  const m = MODELS[model];
  const tokens = Math.min(maxModelLen ?? DEFAULT_MAX_MODEL_LEN, m.contextTokens);
  const weightsGb = m.paramsBillions * BYTES_PER_PARAM[precision];
  const runtimeGb = weightsGb * RUNTIME_OVERHEAD_FRACTION;
  const kvCacheGb = (2 * m.layers * m.kvHeads * m.headDim * KV_CACHE_BYTES_PER_VALUE * tokens) / 1e9;
  return { weightsGb, runtimeGb, kvCacheGb, totalGb: weightsGb + runtimeGb + kvCacheGb, maxModelLen: tokens };
}

/** A GPU pool a model can be placed on: its name and node shape. */
export interface PoolShape extends GpuShape {
  readonly name: string;
}

export interface FitRequest {
  readonly model: ModelId;
  /** Precision of the weights. @default "fp16" */
  readonly precision?: Precision;
  readonly pool: PoolShape;
  /** @default DEFAULT_GPU_MEMORY_UTILIZATION (0.9) */
  readonly gpuMemoryUtilization?: number;
  /** @default DEFAULT_MAX_MODEL_LEN (4096), capped at the model's context */
  readonly maxModelLen?: number;
  /** Region the pool runs in: alternative shapes are only suggested where that GPU exists. @default any region */
  readonly region?: string;
}

export interface FitResult {
  readonly fits: boolean;
  readonly neededGb: number;
  readonly availableGb: number;
  readonly need: MemoryNeed;
  /** Why it cannot be placed, e.g. `X at fp16 needs ~153 GB; pool large (2x A100 40 GB) gives 72 GB at 0.9`. */
  readonly problem?: string;
  /** How to make it fit, e.g. `use awq, or a pool with 4x A100 80 GB`. */
  readonly fix?: string;
  /** `<problem>: <fix>`, the one-line refusal; undefined when it fits. */
  readonly message?: string;
}

/** Where and how a model is served: what the inference stack passes to vLLM/TGI and the pod spec. */
export interface ModelPlacement {
  readonly model: Model;
  readonly precision: Precision;
  /** Repository to load: the 16-bit weights, or the AWQ/GPTQ checkpoint for 4-bit precisions. */
  readonly huggingFaceId: string;
  /** Compute dtype (vLLM `--dtype`, TGI `--dtype`). */
  readonly dtype: 'float16' | 'bfloat16';
  /** Quantization method (vLLM `--quantization`, TGI `--quantize`); int8 quantizes 16-bit weights at load. */
  readonly quantization?: 'awq' | 'gptq' | 'bitsandbytes';
  /** = GPUs per node of the pool (vLLM `--tensor-parallel-size`, TGI `--num-shard`). */
  readonly tensorParallelSize: number;
  /** GPUs one replica requests (`nvidia.com/gpu`). */
  readonly gpuCount: number;
  /** Value of the node label `cloud.google.com/gke-accelerator` to select the pool's nodes. */
  readonly acceleratorLabel: string;
  readonly pool: string;
  readonly gpuMemoryUtilization: number;
  /** vLLM `--max-model-len` the KV cache was sized for. */
  readonly maxModelLen: number;
  readonly neededGb: number;
  readonly availableGb: number;
}

/** Raised by placeModel when a model cannot be placed on a pool. */
export class ModelFitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFitError';
  }
}

function gb(value: number): string {
  return String(Math.round(value * 10) / 10);
}

function availableGb(shape: GpuShape, utilization: number): number {
  return nodeGpuMemoryGb(shape) * utilization;
}

/** Why `precision` cannot be served at all for this model on this GPU (no checkpoint, no bf16). */
function unservable(model: Model, precision: Precision, shape: GpuShape): string | undefined {
  if ((precision === 'awq' || precision === 'gptq') && !model.quantizedIds[precision]) {
    return `${model.displayName} has no ${precision} checkpoint in the catalog`;
  }
  if (precision === 'bf16' && !GPUS[shape.gpu].bf16) {
    return `${GPUS[shape.gpu].displayName} has no bfloat16 support`;
  }
  return undefined;
}

/** The shape with the fewest GPUs (then the cheapest) that holds `neededGb`, in `region` if given. */
function smallestShapeFor(neededGb: number, utilization: number, region?: string): GpuShape | undefined {
  return allShapes()
    .filter((shape) => availableGb(shape, utilization) >= neededGb)
    .filter((shape) => region === undefined || zonesOffering(shape.gpu, region).length > 0)
    .sort((a, b) => a.gpuCount - b.gpuCount || a.pricePerHourUsd - b.pricePerHourUsd)[0];
}

/** Checks the fit rule; never throws. */
export function checkFit(request: FitRequest): FitResult {
  const model = MODELS[request.model];
  const precision = request.precision ?? 'fp16';
  const utilization = request.gpuMemoryUtilization ?? DEFAULT_GPU_MEMORY_UTILIZATION;
  const need = memoryNeed(request.model, precision, request.maxModelLen);
  const available = availableGb(request.pool, utilization);
  const base = { neededGb: need.totalGb, availableGb: available, need };
  const subject = `${model.displayName} at ${precision}`;
  const pool = `pool ${request.pool.name} (${describeGpus(request.pool)})`;

  const cannot = unservable(model, precision, request.pool);
  if (cannot) {
    const others = PRECISIONS.filter((p) => p !== precision && !unservable(model, p, request.pool));
    return refusal(base, `${subject} cannot be served on ${pool}: ${cannot}`, `use ${others.join(' or ')}`);
  }
  if (need.totalGb <= available) return { ...base, fits: true };

  const fixes: string[] = [];
  const lighter = LIGHTER.filter((p) => BYTES_PER_PARAM[p] < BYTES_PER_PARAM[precision]).find(
    (p) =>
      !unservable(model, p, request.pool) &&
      memoryNeed(request.model, p, request.maxModelLen).totalGb <= available,
  );
  if (lighter) fixes.push(`use ${lighter}`);
  const bigger = smallestShapeFor(need.totalGb, utilization, request.region);
  if (bigger) fixes.push(`a pool with ${describeGpus(bigger)}`);
  return refusal(
    base,
    `${subject} needs ~${Math.round(need.totalGb)} GB; ${pool} gives ${gb(available)} GB at ${utilization}`,
    fixes.length > 0 ? fixes.join(', or ') : 'no GPU shape in the catalog holds it: pick a smaller model',
  );
}

function refusal(base: Omit<FitResult, 'fits'>, problem: string, fix: string): FitResult {
  return { ...base, fits: false, problem, fix, message: `${problem}: ${fix}` };
}

/** Places `model` on `pool`, or throws ModelFitError with checkFit's message. */
export function placeModel(request: FitRequest): ModelPlacement {
  const result = checkFit(request);
  if (!result.fits) throw new ModelFitError(result.message!);
  const model = MODELS[request.model];
  const precision = request.precision ?? 'fp16';
  const gpu = GPUS[request.pool.gpu];
  const quantization =
    precision === 'int8'
      ? 'bitsandbytes'
      : precision === 'awq' || precision === 'gptq'
        ? precision
        : undefined;
  return {
    model,
    precision,
    huggingFaceId:
      precision === 'awq' || precision === 'gptq' ? model.quantizedIds[precision]! : model.huggingFaceId,
    // AWQ/GPTQ kernels and pre-Ampere GPUs run fp16; bf16 only when asked for and supported.
    dtype: precision === 'bf16' ? 'bfloat16' : 'float16',
    quantization,
    tensorParallelSize: request.pool.gpuCount,
    gpuCount: request.pool.gpuCount,
    acceleratorLabel: gpu.acceleratorType,
    pool: request.pool.name,
    gpuMemoryUtilization: request.gpuMemoryUtilization ?? DEFAULT_GPU_MEMORY_UTILIZATION,
    maxModelLen: result.need.maxModelLen,
    neededGb: result.neededGb,
    availableGb: result.availableGb,
  };
}
