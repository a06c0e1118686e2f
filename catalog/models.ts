/**
 * Model catalog: the seed's "Model Selection", with what the fit rule needs. Parameter counts and architecture
 * (layers, KV heads, head size, context) are from each model's Hugging Face `config.json` and model card;
 * 4-bit checkpoints are the community AWQ/GPTQ conversions vLLM and TGI load directly.
 */

export const MODEL_IDS = [
  'mistral-7b-instruct-v0.2',
  'llama-2-13b-chat',
  'llama-2-70b-chat',
  'codellama-13b',
  'starcoder',
  'yi-34b',
] as const;
export type ModelId = (typeof MODEL_IDS)[number];

export interface Model {
  readonly id: ModelId;
  /** Name used in messages, as the seed writes it. */
  readonly displayName: string;
  /** Hugging Face repository of the 16-bit weights. */
  readonly huggingFaceId: string;
  /** Pre-quantized 4-bit checkpoints, by method; a method without one cannot be served. */
  readonly quantizedIds: Readonly<{ awq?: string; gptq?: string }>;
  /** Parameters, in billions. */
  readonly paramsBillions: number;
  /** Transformer layers, KV heads and head size: they size the KV cache. */
  readonly layers: number;
  readonly kvHeads: number;
  readonly headDim: number;
  /** Longest context the model was trained for, in tokens. */
  readonly contextTokens: number;
  /** Whether the Hugging Face repository is gated (the HF token must have accepted its licence). */
  readonly gated: boolean;
  /** Seed's use for it. */
  readonly use: 'general' | 'code' | 'analysis';
}

export const MODELS: Readonly<Record<ModelId, Model>> = {
  'mistral-7b-instruct-v0.2': {
    id: 'mistral-7b-instruct-v0.2',
    displayName: 'Mistral-7B-Instruct-v0.2',
    huggingFaceId: 'mistralai/Mistral-7B-Instruct-v0.2',
    quantizedIds: {
      awq: 'TheBloke/Mistral-7B-Instruct-v0.2-AWQ',
      gptq: 'TheBloke/Mistral-7B-Instruct-v0.2-GPTQ',
    },
    paramsBillions: 7.24,
    layers: 32,
    kvHeads: 8,
    headDim: 128,
    contextTokens: 32768,
    gated: true,
    use: 'general',
  },
  'llama-2-13b-chat': {
    id: 'llama-2-13b-chat',
    displayName: 'Llama-2-13B-chat',
    huggingFaceId: 'meta-llama/Llama-2-13b-chat-hf',
    quantizedIds: { awq: 'TheBloke/Llama-2-13B-chat-AWQ', gptq: 'TheBloke/Llama-2-13B-chat-GPTQ' },
    paramsBillions: 13.02,
    layers: 40,
    kvHeads: 40,
    headDim: 128,
    contextTokens: 4096,
    gated: true,
    use: 'general',
  },
  'llama-2-70b-chat': {
    id: 'llama-2-70b-chat',
    displayName: 'Llama-2-70B-chat',
    huggingFaceId: 'meta-llama/Llama-2-70b-chat-hf',
    quantizedIds: { awq: 'TheBloke/Llama-2-70B-Chat-AWQ', gptq: 'TheBloke/Llama-2-70B-Chat-GPTQ' },
    paramsBillions: 68.98,
    layers: 80,
    kvHeads: 8,
    headDim: 128,
    contextTokens: 4096,
    gated: true,
    use: 'analysis',
  },
  'codellama-13b': {
    id: 'codellama-13b',
    displayName: 'CodeLlama-13B',
    huggingFaceId: 'codellama/CodeLlama-13b-Instruct-hf',
    quantizedIds: {
      awq: 'TheBloke/CodeLlama-13B-Instruct-AWQ',
      gptq: 'TheBloke/CodeLlama-13B-Instruct-GPTQ',
    },
    paramsBillions: 13.02,
    layers: 40,
    kvHeads: 40,
    headDim: 128,
    contextTokens: 16384,
    gated: false,
    use: 'code',
  },
  starcoder: {
    id: 'starcoder',
    displayName: 'StarCoder',
    huggingFaceId: 'bigcode/starcoder',
    quantizedIds: { gptq: 'TheBloke/starcoder-GPTQ' },
    paramsBillions: 15.5,
    layers: 40,
    // Multi-query attention: one KV head.
    kvHeads: 1,
    headDim: 128,
    contextTokens: 8192,
    gated: true,
    use: 'code',
  },
  'yi-34b': {
    id: 'yi-34b',
    displayName: 'Yi-34B',
    huggingFaceId: '01-ai/Yi-34B-Chat',
    quantizedIds: { awq: 'TheBloke/Yi-34B-Chat-AWQ', gptq: 'TheBloke/Yi-34B-Chat-GPTQ' },
    paramsBillions: 34.39,
    layers: 60,
    kvHeads: 8,
    headDim: 128,
    contextTokens: 4096,
    gated: false,
    use: 'analysis',
  },
};

/**
 * Largest single file of any checkpoint the platform stages, in GB: safetensors shards as transformers'
 * save_pretrained writes them (`max_shard_size`, 10GB for the checkpoints above). An assumption: the model-sync
 * Job sizes its disk for it and refuses a larger file with an error naming this constant.
 */
export const MAX_CHECKPOINT_FILE_GB = 10;

/**
 * Size of a 4-bit (AWQ/GPTQ) checkpoint beyond params x 0.5 bytes, as a fraction: embeddings and lm_head stay
 * 16-bit, and each group carries scales and zeros. The Hub lists TheBloke/Llama-2-70B-Chat-AWQ at about 36.7 GB
 * (+6 % over 34.5) and Mistral-7B-Instruct-v0.2-AWQ at about 4.15 GB (+15 % over 3.6): 20 % covers both with room.
 */
export const QUANTIZED_CHECKPOINT_OVERHEAD_FRACTION = 0.2;
