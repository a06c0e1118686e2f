import { GPUS, GpuId, MACHINE_TYPES } from './gpus';

/**
 * GPU node shapes by name. small, medium and large are the seed's "GPU Node Pool Configuration"; l4 is the
 * modern small choice (24 GB, bf16, cheaper per GB than T4).
 */
export const PRESET_IDS = ['small', 'medium', 'large', 'l4'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

/** A node shape: machine type plus the GPUs each node carries. */
export interface GpuShape {
  readonly machineType: string;
  readonly gpu: GpuId;
  /** GPUs per node; also the tensor-parallel size of a model served on one node. */
  readonly gpuCount: number;
}

export interface Preset extends GpuShape {
  readonly id: PresetId;
  /** What the seed recommends it for. */
  readonly description: string;
}

export const PRESETS: Readonly<Record<PresetId, Preset>> = {
  small: {
    id: 'small',
    machineType: 'n1-standard-4',
    gpu: 't4',
    gpuCount: 1,
    description: 'seed "Small Models (7B-13B)": Mistral-7B, Llama-2-13B, CodeLlama-13B (quantized)',
  },
  medium: {
    id: 'medium',
    machineType: 'n1-standard-8',
    gpu: 'v100',
    gpuCount: 1,
    description: 'seed "Medium Models (30B-40B)" (the numbers: a 34B model needs more than one 16 GB V100)',
  },
  large: {
    id: 'large',
    machineType: 'a2-highgpu-2g',
    gpu: 'a100-40gb',
    gpuCount: 2,
    description: 'seed "Large Models (65B-70B)": Llama-2-70B quantized',
  },
  l4: {
    id: 'l4',
    machineType: 'g2-standard-8',
    gpu: 'l4',
    gpuCount: 1,
    description: 'modern small choice: 7B at fp16/bf16, 13B at int8 or 4-bit',
  },
};

/** "2x A100 40 GB": how messages name a shape's GPUs. */
export function describeGpus(shape: GpuShape): string {
  return `${shape.gpuCount}x ${GPUS[shape.gpu].displayName}`;
}

/** Total GPU memory of one node of `shape`. */
export function nodeGpuMemoryGb(shape: GpuShape): number {
  return shape.gpuCount * GPUS[shape.gpu].memoryGb;
}

/** Hourly on-demand list price of one node of `shape` (machine + GPUs). */
export function nodePricePerHourUsd(shape: GpuShape): number {
  return MACHINE_TYPES[shape.machineType].pricePerHourUsd + shape.gpuCount * GPUS[shape.gpu].pricePerHourUsd;
}
