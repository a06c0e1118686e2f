import { checkFit, memoryNeed, ModelFitError, placeModel, PoolShape, Precision } from '../catalog/fit';
import {
  allShapes,
  countsFor,
  GPU_IDS,
  GPUS,
  MACHINE_TYPES,
  machinesCarrying,
  PRICES_AS_OF,
  zonesOffering,
} from '../catalog/gpus';
import { MODEL_IDS, MODELS, ModelId } from '../catalog/models';
import {
  describeGpus,
  nodeGpuMemoryGb,
  nodePricePerHourUsd,
  PRESET_IDS,
  PRESETS,
  PresetId,
} from '../catalog/presets';
import { KNOWN_REGIONS } from '../config/rules';

const pool = (preset: PresetId): PoolShape => ({ name: preset, ...PRESETS[preset] });
const fits = (model: ModelId, precision: Precision, preset: PresetId) =>
  checkFit({ model, precision, pool: pool(preset) }).fits;

describe('GPU catalog', () => {
  it('knows the six GPUs with their memory and accelerator types', () => {
    expect(GPU_IDS.map((id) => [GPUS[id].displayName, GPUS[id].memoryGb, GPUS[id].acceleratorType])).toEqual([
      ['T4', 16, 'nvidia-tesla-t4'],
      ['L4', 24, 'nvidia-l4'],
      ['V100', 16, 'nvidia-tesla-v100'],
      ['A100 40 GB', 40, 'nvidia-tesla-a100'],
      ['A100 80 GB', 80, 'nvidia-a100-80gb'],
      ['H100 80 GB', 80, 'nvidia-h100-80gb'],
    ]);
  });

  it('dates its prices and keeps the seed hourly GPU prices (T4 $0.35, V100 $2.48)', () => {
    expect(PRICES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(GPUS.t4.pricePerHourUsd).toBe(0.35);
    expect(GPUS.v100.pricePerHourUsd).toBe(2.48);
    // Seed: "~$0.35/hour GPU + $0.19/hour compute = $0.54/hour".
    expect(nodePricePerHourUsd(PRESETS.small)).toBeCloseTo(0.54, 2);
    for (const id of GPU_IDS) expect(GPUS[id].pricePerHourUsd).toBeGreaterThan(0);
  });

  it('lists which machine types carry which GPU counts', () => {
    expect(countsFor('n1-standard-4', 't4')).toEqual([1, 2, 4]);
    expect(countsFor('n1-standard-8', 'v100')).toEqual([1, 2, 4, 8]);
    // N1 with V100: 1 GPU up to 12 vCPUs, 2 up to 24, 4 up to 48.
    expect(countsFor('n1-standard-16', 'v100')).toEqual([2, 4, 8]);
    expect(countsFor('n1-standard-4', 'a100-40gb')).toEqual([]);
    expect(countsFor('g2-standard-8', 'l4')).toEqual([1]);
    expect(countsFor('g2-standard-24', 'l4')).toEqual([2]);
    expect(machinesCarrying('a100-40gb')).toEqual([
      'a2-highgpu-1g',
      'a2-highgpu-2g',
      'a2-highgpu-4g',
      'a2-highgpu-8g',
    ]);
    expect(machinesCarrying('a100-80gb')).toEqual([
      'a2-ultragpu-1g',
      'a2-ultragpu-2g',
      'a2-ultragpu-4g',
      'a2-ultragpu-8g',
    ]);
    expect(machinesCarrying('h100-80gb')).toEqual(['a3-highgpu-8g']);
    expect(allShapes().length).toBeGreaterThan(20);
  });

  it('names the zones of the serving regions that offer each GPU, only within the supported regions', () => {
    expect(zonesOffering('t4', 'us-central1')).toEqual([
      'us-central1-a',
      'us-central1-b',
      'us-central1-c',
      'us-central1-f',
    ]);
    expect(zonesOffering('a100-40gb', 'us-east1')).toEqual(['us-east1-b']);
    expect(zonesOffering('v100', 'us-east4')).toEqual([]);
    for (const id of GPU_IDS) {
      expect(zonesOffering(id, 'us-central1').length).toBeGreaterThan(0);
      for (const [region, zones] of Object.entries(GPUS[id].zones)) {
        expect(KNOWN_REGIONS).toContain(region);
        for (const zone of zones!) expect(zone.startsWith(`${region}-`)).toBe(true);
      }
    }
  });
});

describe('presets', () => {
  it.each([
    ['small', 'n1-standard-4', 't4', 1, '1x T4', 16],
    ['medium', 'n1-standard-8', 'v100', 1, '1x V100', 16],
    ['large', 'a2-highgpu-2g', 'a100-40gb', 2, '2x A100 40 GB', 80],
    ['l4', 'g2-standard-8', 'l4', 1, '1x L4', 24],
  ] as const)('%s = %s + %s', (id, machineType, gpu, gpuCount, described, memoryGb) => {
    const preset = PRESETS[id];
    expect(preset).toEqual(expect.objectContaining({ machineType, gpu, gpuCount }));
    expect(describeGpus(preset)).toBe(described);
    expect(nodeGpuMemoryGb(preset)).toBe(memoryGb);
    // Every preset is a shape the catalog itself accepts.
    expect(MACHINE_TYPES[machineType].gpus[gpu]).toContain(gpuCount);
  });

  it('has exactly the seed presets plus l4', () => {
    expect(PRESET_IDS).toEqual(['small', 'medium', 'large', 'l4']);
  });
});

describe('model catalog', () => {
  it('has the seed models with parameter counts and Hugging Face ids', () => {
    expect(
      MODEL_IDS.map((id) => [MODELS[id].displayName, MODELS[id].paramsBillions, MODELS[id].huggingFaceId]),
    ).toEqual([
      ['Mistral-7B-Instruct-v0.2', 7.24, 'mistralai/Mistral-7B-Instruct-v0.2'],
      ['Llama-2-13B-chat', 13.02, 'meta-llama/Llama-2-13b-chat-hf'],
      ['Llama-2-70B-chat', 68.98, 'meta-llama/Llama-2-70b-chat-hf'],
      ['CodeLlama-13B', 13.02, 'codellama/CodeLlama-13b-Instruct-hf'],
      ['StarCoder', 15.5, 'bigcode/starcoder'],
      ['Yi-34B', 34.39, '01-ai/Yi-34B-Chat'],
    ]);
  });
});

describe('fit rule', () => {
  it('counts weights at 2/1/0.5 bytes per parameter, 10 % runtime headroom and one max-length KV sequence', () => {
    const need = memoryNeed('llama-2-70b-chat', 'fp16');
    expect(need.weightsGb).toBeCloseTo(137.96, 2);
    expect(need.runtimeGb).toBeCloseTo(13.8, 1);
    // 2 x 80 layers x 8 KV heads x 128 x 2 bytes x 4096 tokens.
    expect(need.kvCacheGb).toBeCloseTo(1.34, 2);
    expect(need.maxModelLen).toBe(4096);
    expect(memoryNeed('llama-2-70b-chat', 'int8').weightsGb).toBeCloseTo(68.98, 2);
    expect(memoryNeed('llama-2-70b-chat', 'awq').weightsGb).toBeCloseTo(34.49, 2);
    // The KV reservation follows maxModelLen, capped at the model's context.
    expect(memoryNeed('mistral-7b-instruct-v0.2', 'fp16', 32768).kvCacheGb).toBeCloseTo(4.29, 2);
    expect(memoryNeed('llama-2-13b-chat', 'fp16', 32768).maxModelLen).toBe(4096);
  });

  it('refuses Llama-2-70B-chat at fp16 on the large preset, with both numbers and the fixes', () => {
    const result = checkFit({ model: 'llama-2-70b-chat', precision: 'fp16', pool: pool('large') });
    expect(result.fits).toBe(false);
    expect(result.message).toBe(
      'Llama-2-70B-chat at fp16 needs ~153 GB; pool large (2x A100 40 GB) gives 72 GB at 0.9: use awq, or a pool with 4x A100 80 GB',
    );
    expect(() => placeModel({ model: 'llama-2-70b-chat', pool: pool('large') })).toThrow(ModelFitError);
  });

  // What the numbers say about the seed's "Small Models (7B-13B)" on one 16 GB T4 (14.4 GB usable at 0.9)
  // and one 24 GB L4 (21.6 GB): 7B needs ~16.5 GB at fp16, so T4 only quantized (int8 ~8.5, awq ~4.5);
  // 13B needs ~32 GB at fp16 and ~17.7 GB at int8, so T4 only at 4-bit (~10.5 GB) and L4 from int8.
  it.each([
    ['mistral-7b-instruct-v0.2', 'fp16', 'small', false],
    ['mistral-7b-instruct-v0.2', 'int8', 'small', true],
    ['mistral-7b-instruct-v0.2', 'awq', 'small', true],
    ['mistral-7b-instruct-v0.2', 'fp16', 'l4', true],
    ['llama-2-13b-chat', 'fp16', 'small', false],
    ['llama-2-13b-chat', 'int8', 'small', false],
    ['llama-2-13b-chat', 'awq', 'small', true],
    ['llama-2-13b-chat', 'fp16', 'l4', false],
    ['llama-2-13b-chat', 'int8', 'l4', true],
    ['codellama-13b', 'awq', 'small', true],
    ['codellama-13b', 'int8', 'l4', true],
    ['starcoder', 'gptq', 'small', true],
    ['starcoder', 'int8', 'l4', true],
    // Seed "Medium (30B-40B)": Yi-34B is ~20 GB even at 4-bit, above one 16 GB V100.
    ['yi-34b', 'awq', 'medium', false],
    ['yi-34b', 'int8', 'large', true],
    ['yi-34b', 'awq', 'l4', true],
    ['llama-2-70b-chat', 'int8', 'large', false],
    ['llama-2-70b-chat', 'awq', 'large', true],
  ] as const)('%s at %s on %s: fits=%s', (model, precision, preset, expected) => {
    expect(fits(model, precision, preset)).toBe(expected);
  });

  it('suggests only shapes offered in the pool region', () => {
    const result = checkFit({
      model: 'llama-2-70b-chat',
      precision: 'fp16',
      pool: pool('large'),
      region: 'us-east1',
    });
    // us-east1 has no A100 80 GB in the catalog: the fewest-GPU shapes there have 8 GPUs; 8x L4 is the cheapest.
    expect(result.fix).toBe('use awq, or a pool with 8x L4');
  });

  it('refuses a precision without a checkpoint or a GPU without bf16', () => {
    expect(checkFit({ model: 'starcoder', precision: 'awq', pool: pool('l4') }).message).toBe(
      'StarCoder at awq cannot be served on pool l4 (1x L4): StarCoder has no awq checkpoint in the catalog: use fp16 or bf16 or int8 or gptq',
    );
    expect(
      checkFit({ model: 'mistral-7b-instruct-v0.2', precision: 'bf16', pool: pool('small') }).message,
    ).toBe(
      'Mistral-7B-Instruct-v0.2 at bf16 cannot be served on pool small (1x T4): T4 has no bfloat16 support: use fp16 or int8 or awq or gptq',
    );
  });

  it('places a model: tensor-parallel size = GPUs per node, quantized checkpoint, accelerator label', () => {
    expect(placeModel({ model: 'llama-2-70b-chat', precision: 'awq', pool: pool('large') })).toEqual(
      expect.objectContaining({
        huggingFaceId: 'TheBloke/Llama-2-70B-Chat-AWQ',
        dtype: 'float16',
        quantization: 'awq',
        tensorParallelSize: 2,
        gpuCount: 2,
        acceleratorLabel: 'nvidia-tesla-a100',
        pool: 'large',
        gpuMemoryUtilization: 0.9,
        maxModelLen: 4096,
        availableGb: 72,
      }),
    );
    expect(placeModel({ model: 'mistral-7b-instruct-v0.2', precision: 'bf16', pool: pool('l4') })).toEqual(
      expect.objectContaining({
        huggingFaceId: 'mistralai/Mistral-7B-Instruct-v0.2',
        dtype: 'bfloat16',
        quantization: undefined,
        tensorParallelSize: 1,
        acceleratorLabel: 'nvidia-l4',
      }),
    );
    expect(placeModel({ model: 'llama-2-13b-chat', precision: 'int8', pool: pool('l4') }).quantization).toBe(
      'bitsandbytes',
    );
  });

  it('uses the configured GPU memory utilisation', () => {
    const result = checkFit({
      model: 'mistral-7b-instruct-v0.2',
      precision: 'fp16',
      pool: pool('l4'),
      gpuMemoryUtilization: 0.6,
    });
    expect(result.message).toBe(
      'Mistral-7B-Instruct-v0.2 at fp16 needs ~16 GB; pool l4 (1x L4) gives 14.4 GB at 0.6: use int8, or a pool with 1x A100 40 GB',
    );
  });
});
