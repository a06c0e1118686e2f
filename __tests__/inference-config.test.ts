import { loadEnvironment } from '../config/load';
import { loadVariant, problemsOf } from './support/env-files';

const MISTRAL = { name: 'mistral-7b-instruct-v0.2', pool: 'gpu-small', precision: 'awq' };

describe('inference config: tier presets', () => {
  it('serves Mistral-7B (4-bit) with vLLM and TGI in the scale tier, scaling on CPU as the seed does', () => {
    const { inference } = loadEnvironment('staging').config;
    expect(inference).toEqual(
      expect.objectContaining({
        engines: ['vllm', 'tgi'],
        models: [
          {
            name: 'mistral-7b-instruct-v0.2',
            pool: 'gpu-small',
            precision: 'awq',
            maxModelLen: 4096,
            gpuMemoryUtilization: 0.9,
            minReplicas: 1,
            maxReplicas: 2,
          },
        ],
        autoscaling: { metric: 'cpu', cpuTargetPercent: 70, queueDepthTarget: 5 },
        modelCache: 'gcsfuse',
        vllmChartVersion: '0.1.12',
        images: {
          vllm: 'vllm/vllm-openai:v0.15.1',
          router: 'lmcache/lmstack-router:v0.1.12',
          tgi: 'ghcr.io/huggingface/text-generation-inference:3.3.5',
        },
      }),
    );
  });

  it('adds Llama-2-70B on the large pool and queue-depth scaling in the enterprise tier', () => {
    const { inference } = loadEnvironment('prod').config;
    expect(inference?.models.map((m) => [m.name, m.pool, m.precision])).toEqual([
      ['mistral-7b-instruct-v0.2', 'gpu-small', 'awq'],
      ['llama-2-70b-chat', 'gpu-large', 'awq'],
    ]);
    expect(inference?.autoscaling.metric).toBe('queue-depth');
  });

  it('has no inference section in the tiers without GPUs', () => {
    expect(loadEnvironment('dev', { tier: 'startup' }).config.inference).toBeUndefined();
    expect(loadEnvironment('prod', { tier: 'growth' }).config.inference).toBeUndefined();
  });
});

describe('inference config: bad input', () => {
  it('refuses a model on a pool it does not fit, with both numbers and the fix', () => {
    expect(
      problemsOf('dev', {
        inference: { models: [{ name: 'llama-2-70b-chat', pool: 'gpu-small', maxReplicas: 1 }] },
      }),
    ).toEqual([
      'config/environments/dev.yaml: inference.models.0.name ("llama-2-70b-chat") does not fit: Llama-2-70B-chat at fp16 needs ~153 GB; pool gpu-small (1x L4) gives 21.6 GB at 0.9. Fix: a pool with 4x A100 80 GB',
    ]);
  });

  describe('engine image vs the GPU compute capability (catalog/engines.ts)', () => {
    const T4_POOL = { gke: { gpuPools: [{ name: 'gpu-small', preset: 'small' }] } };

    const V100_POOL = { gke: { gpuPools: [{ name: 'gpu-small', preset: 'medium' }] } };

    it('refuses TGI on a T4 pool and accepts the pinned vLLM (v0.15.1) there, naming image, GPU and fix', () => {
      expect(problemsOf('dev', T4_POOL)).toEqual([
        'config/environments/dev.yaml: inference.models.0.pool ("gpu-small") cannot serve with tgi: image "ghcr.io/huggingface/text-generation-inference:3.3.5" (inference.images.tgi) cannot run on T4 (compute capability 7.5): TGI\'s flash-attention kernels need compute capability 8.0 (Ampere) or higher (huggingface/text-generation-inference#2456). Fix: move the model to a pool of L4, A100 40 GB, A100 80 GB, H100 80 GB (e.g. preset l4), or remove "tgi" from inference.engines',
      ]);
      expect(loadVariant('dev', { ...T4_POOL, inference: { engines: ['vllm'] } }).problems).toBeUndefined();
    });

    it('refuses the pinned vLLM (v0.15.1) on V100 and accepts v0.14.0 there', () => {
      expect(problemsOf('dev', V100_POOL)).toEqual([
        'config/environments/dev.yaml: inference.models.0.pool ("gpu-small") cannot serve with vllm: image "vllm/vllm-openai:v0.15.1" (inference.images.vllm) cannot run on V100 (compute capability 7.0): vLLM builds after v0.14.x need compute capability 7.5 or higher (T4, L4, A100, H100; not V100). Fix: move the model to a pool of T4, L4, A100 40 GB, A100 80 GB, H100 80 GB (e.g. preset l4), or pin inference.images.vllm to "vllm/vllm-openai:v0.14.0", the last vLLM build documented for V100, or remove "vllm" from inference.engines',
        expect.stringContaining(
          'cannot serve with tgi: image "ghcr.io/huggingface/text-generation-inference:3.3.5" (inference.images.tgi) cannot run on V100',
        ),
      ]);
      const v014 = { engines: ['vllm'], images: { vllm: 'vllm/vllm-openai:v0.14.0' } };
      expect(loadVariant('dev', { ...V100_POOL, inference: v014 }).problems).toBeUndefined();
    });

    it('takes an unknown-version image (digest-pinned or not) as the newest build', () => {
      const digest = `vllm/vllm-openai:nightly@sha256:${'a'.repeat(64)}`;
      expect(
        problemsOf('dev', { ...V100_POOL, inference: { engines: ['vllm'], images: { vllm: digest } } }),
      ).toEqual([expect.stringContaining(`image "${digest}" (inference.images.vllm) cannot run on V100`)]);
    });
  });

  it('refuses a pool that gke.gpuPools does not have', () => {
    expect(problemsOf('dev', { inference: { models: [{ ...MISTRAL, pool: 'gpu-huge' }] } })).toEqual([
      'config/environments/dev.yaml: inference.models.0.pool ("gpu-huge") is not a GPU pool of gke.gpuPools (gpu-small). Fix: use one of gpu-small or add it to gke.gpuPools',
    ]);
  });

  it('refuses an engine other than vllm or tgi', () => {
    expect(problemsOf('dev', { inference: { engines: ['vllm', 'ollama'] } })).toEqual([
      'config/environments/dev.yaml: inference.engines.1 ("ollama") is not an inference engine. Fix: use vllm or tgi',
    ]);
  });

  it('refuses an engine listed twice', () => {
    expect(problemsOf('dev', { inference: { engines: ['vllm', 'vllm'] } })).toEqual([
      'config/environments/dev.yaml: inference.engines.1 ("vllm") is listed twice. Fix: list each engine once',
    ]);
  });

  it('refuses the floating tag "latest"', () => {
    expect(problemsOf('dev', { inference: { images: { vllm: 'vllm/vllm-openai:latest' } } })).toEqual([
      'config/environments/dev.yaml: inference.images.vllm ("vllm/vllm-openai:latest") uses the floating tag "latest". Fix: pin a release, e.g. "vllm/vllm-openai:v0.15.1"',
    ]);
  });

  it('refuses an image without a tag', () => {
    expect(
      problemsOf('dev', { inference: { images: { tgi: 'ghcr.io/huggingface/text-generation-inference' } } }),
    ).toEqual([
      'config/environments/dev.yaml: inference.images.tgi ("ghcr.io/huggingface/text-generation-inference") has no tag. Fix: pin a release, e.g. "ghcr.io/huggingface/text-generation-inference:3.3.5"',
    ]);
  });

  it('accepts an image pinned by tag and digest', () => {
    const digest = `vllm/vllm-openai:v0.15.1@sha256:${'a'.repeat(64)}`;
    const { loaded, problems } = loadVariant('dev', { inference: { images: { vllm: digest } } });
    expect(problems).toBeUndefined();
    expect(loaded?.config.inference?.images.vllm).toBe(digest);
  });

  it('refuses a digest without its tag or a malformed digest (the charts render <repository>:<tag>)', () => {
    const fix = (image: string) =>
      `config/environments/dev.yaml: inference.images.router ("${image}") is not "<image>:<tag>@sha256:<64 hex digits>". Fix: keep the tag and append the image's digest, e.g. "lmcache/lmstack-router:v0.1.12@sha256:<digest>" (\`docker buildx imagetools inspect lmcache/lmstack-router:v0.1.12\` prints it)`;
    for (const image of [
      `lmcache/lmstack-router@sha256:${'a'.repeat(64)}`,
      'lmcache/lmstack-router:v0.1.12@sha256:abc',
    ]) {
      expect(problemsOf('dev', { inference: { images: { router: image } } })).toEqual([fix(image)]);
    }
  });

  it('refuses an unpinned chart version', () => {
    expect(problemsOf('dev', { inference: { vllmChartVersion: 'latest' } })).toEqual([
      'config/environments/dev.yaml: inference.vllmChartVersion ("latest") is not a chart version. Fix: pin a released version such as "0.1.12"',
    ]);
  });

  it('refuses replicas outside the seed HPA range 1-5 and min above max', () => {
    expect(problemsOf('dev', { inference: { models: [{ ...MISTRAL, maxReplicas: 6 }] } })).toEqual([
      'config/environments/dev.yaml: inference.models.0.maxReplicas (6) is above the maximum 5. Fix: lower it',
      'config/environments/dev.yaml: inference.models.0.maxReplicas (6) needs up to 12 nodes of pool "gpu-small" (6 x 2 engines, one node per replica) but the pool allows maxNodes 2. Fix: lower the maxReplicas of the models on "gpu-small" to 1 in total, or raise the pool\'s maxNodes to 12',
    ]);
    expect(
      problemsOf('staging', {
        inference: { engines: ['vllm'], models: [{ ...MISTRAL, minReplicas: 3, maxReplicas: 2 }] },
      }),
    ).toEqual([
      'config/environments/staging.yaml: inference.models.0.minReplicas (3) is above maxReplicas (2). Fix: lower minReplicas or raise maxReplicas',
    ]);
  });

  it('refuses more replicas than the pool has nodes (one node per replica and engine)', () => {
    expect(problemsOf('dev', { inference: { models: [{ ...MISTRAL, minReplicas: 2 }] } })).toEqual([
      'config/environments/dev.yaml: inference.models.0.pool ("gpu-small") needs 4 nodes for the models\' minReplicas (2 x 2 engines, one node per replica) but the pool allows maxNodes 2. Fix: raise the pool\'s maxNodes, lower minReplicas, or serve with fewer engines',
    ]);
  });

  it('refuses a replica ceiling the pool cannot hold (one node per replica and engine)', () => {
    expect(problemsOf('staging', { inference: { models: [{ ...MISTRAL, maxReplicas: 3 }] } })).toEqual([
      'config/environments/staging.yaml: inference.models.0.maxReplicas (3) needs up to 6 nodes of pool "gpu-small" (3 x 2 engines, one node per replica) but the pool allows maxNodes 5. Fix: lower the maxReplicas of the models on "gpu-small" to 2 in total, or raise the pool\'s maxNodes to 6',
    ]);
    // One engine: the seed's five replicas fill the five nodes.
    const vllmOnly = { inference: { engines: ['vllm'], models: [{ ...MISTRAL, maxReplicas: 5 }] } };
    expect(loadVariant('staging', vllmOnly).problems).toBeUndefined();
  });

  it('refuses a model listed twice', () => {
    const small = { ...MISTRAL, maxReplicas: 1 };
    expect(problemsOf('staging', { inference: { models: [small, small] } })).toEqual([
      'config/environments/staging.yaml: inference.models.1.name ("mistral-7b-instruct-v0.2") is listed twice. Fix: serve each model once (raise maxReplicas instead)',
    ]);
  });

  it('refuses a Hugging Face token secret the data stack does not create', () => {
    expect(problemsOf('dev', { inference: { hfTokenSecret: 'hf' } })).toEqual([
      'config/environments/dev.yaml: inference.hfTokenSecret ("hf") is not in data.secrets (xai-api-key, openai-api-key, hf-token). Fix: use one of them or add it to data.secrets',
    ]);
  });

  it('refuses an inference section in a tier without the inference stack', () => {
    expect(problemsOf('dev', { tier: 'growth', inference: { engines: ['vllm'] } })).toEqual([
      'config/environments/dev.yaml: inference is set but tier growth has no inference stack. Fix: remove the inference section',
    ]);
  });

  it('refuses queue-depth scaling on a cluster without Managed Prometheus', () => {
    expect(problemsOf('prod', { gke: { managedPrometheus: false } })).toEqual([
      // The tier sets the metric, the environment turns Prometheus off: the message names both fields.
      'config/tiers/enterprise.yaml: inference.autoscaling.metric ("queue-depth") needs Google Managed Prometheus, which gke.managedPrometheus turns off. Fix: set gke.managedPrometheus to true, or use metric "cpu"',
    ]);
    expect(loadVariant('prod', { gke: { managedPrometheus: true } }).problems).toBeUndefined();
  });
});
