import { engineGpuProblem, gpusSupporting, imageSupport } from '../catalog/engines';
import { GPUS } from '../catalog/gpus';
import {
  allocatable,
  enginePodFitProblem,
  enginePodSize,
  gcsfuseFileCacheGiB,
  modelSyncEphemeralStorageGiB,
} from '../catalog/node-capacity';
import { loadEnvironment } from '../config/load';
import { checkpointGb, placeModels } from '../inference/values';
import { PRESETS } from '../catalog/presets';
import {
  ENGINE_INIT_SECONDS,
  modelStartupSeconds,
  modelSyncBudget,
  PRE_START_SECONDS,
  timingBudget,
  WEIGHT_READ_GB_PER_SECOND,
} from '../inference/timing-budget';

describe('engine image vs GPU compute capability (catalog/engines.ts)', () => {
  it('knows each GPU’s compute capability', () => {
    expect(Object.values(GPUS).map((g) => [g.id, g.computeCapability])).toEqual([
      ['t4', 7.5],
      ['l4', 8.9],
      ['v100', 7],
      ['a100-40gb', 8],
      ['a100-80gb', 8],
      ['h100-80gb', 9],
    ]);
  });

  it('runs vLLM up to v0.14.x on compute capability 7.0+, later builds on 7.5+ (T4, not V100), TGI on Ampere+ only', () => {
    const everyGpu = ['t4', 'l4', 'v100', 'a100-40gb', 'a100-80gb', 'h100-80gb'];
    for (const tag of ['v0.8.5', 'v0.9.0', 'v0.10.2', 'v0.14.0', 'v0.14.1']) {
      expect(gpusSupporting('vllm', `vllm/vllm-openai:${tag}`)).toEqual(everyGpu);
    }
    for (const tag of ['v0.15.0', 'v0.15.1', 'v1.0.0']) {
      expect(gpusSupporting('vllm', `vllm/vllm-openai:${tag}`)).toEqual([
        't4',
        'l4',
        'a100-40gb',
        'a100-80gb',
        'h100-80gb',
      ]);
    }
    expect(gpusSupporting('tgi', 'ghcr.io/huggingface/text-generation-inference:3.3.5')).toEqual([
      'l4',
      'a100-40gb',
      'a100-80gb',
      'h100-80gb',
    ]);
  });

  it('matches mirrors of the image and treats a digest as the newest build', () => {
    const mirror = 'us-docker.pkg.dev/p/docker-hub/vllm/vllm-openai:v0.14.0';
    expect(imageSupport('vllm', mirror).minComputeCapability).toBe(7);
    expect(imageSupport('vllm', `vllm/vllm-openai@sha256:${'0'.repeat(64)}`).minComputeCapability).toBe(7.5);
    // A digest on a tag: the tag's version decides.
    expect(
      imageSupport('vllm', `vllm/vllm-openai:v0.14.0@sha256:${'0'.repeat(64)}`).minComputeCapability,
    ).toBe(7);
  });

  it('names image, GPU, reason and fix; nothing when the GPU is supported', () => {
    expect(
      engineGpuProblem(
        'tgi',
        'ghcr.io/huggingface/text-generation-inference:3.3.5',
        'v100',
        'inference.images.tgi',
      ),
    ).toEqual({
      problem: expect.stringContaining('cannot run on V100 (compute capability 7.0)'),
      fix: 'move the model to a pool of L4, A100 40 GB, A100 80 GB, H100 80 GB (e.g. preset l4), or remove "tgi" from inference.engines',
    });
    expect(
      engineGpuProblem('vllm', 'vllm/vllm-openai:v0.15.1', 'l4', 'inference.images.vllm'),
    ).toBeUndefined();
    expect(() => imageSupport('ollama', 'ollama/ollama:0.1.0')).toThrow(
      'engine ollama has no rule in catalog/engines.ts',
    );
  });
});

describe('engine pod vs node allocatable (catalog/node-capacity.ts)', () => {
  it("applies GKE's reservation: n1-standard-4 keeps 3.92 CPUs and ~12.4 GiB", () => {
    const node = allocatable('n1-standard-4');
    expect(node.cpu).toBeCloseTo(3.92, 2);
    expect(node.memoryGiB).toBeCloseTo(15 - 2.5 - 100 / 1024, 2);
  });

  it.each(Object.values(PRESETS))(
    'fits the engine pod, the GCS FUSE sidecar and the daemons on preset $id',
    (preset) => {
      expect(enginePodFitProblem(preset.machineType, enginePodSize(preset))).toBeUndefined();
    },
  );

  it('refuses requests that outgrow the node, naming every part of the sum', () => {
    expect(enginePodFitProblem('n1-standard-4', { cpu: 3.5, memoryGiB: 12 })).toBe(
      'an engine pod does not fit a n1-standard-4 node: CPU 4.1 (engine 3.5 + GCS FUSE sidecar 0.1 + system DaemonSets 0.5) > 3.92 allocatable; memory 13.25 GiB (engine 12 + sidecar 0.25 + system DaemonSets 1) > 12.4 GiB allocatable',
    );
  });
});

describe('timing budget (inference/timing-budget.ts)', () => {
  it('derives Helm timeout > progress deadline >= pre-start + startup window from one startup budget', () => {
    // 15 min before the container starts (node 300 + driver 180 + pull 360 + sidecar 60), 25 min window, 5 min margin.
    expect(Object.values(PRE_START_SECONDS).reduce((a, b) => a + b, 0)).toBe(900);
    expect(timingBudget()).toEqual({
      startupProbe: { initialDelaySeconds: 60, periodSeconds: 10, failureThreshold: 144, timeoutSeconds: 5 },
      startupWindowSeconds: 1500,
      preStartSeconds: 900,
      progressDeadlineSeconds: 2400,
      helmTimeoutSeconds: 2700,
    });
    for (const seconds of [120, 1000, 3601]) {
      const b = timingBudget(seconds);
      const { initialDelaySeconds, failureThreshold, periodSeconds } = b.startupProbe;
      expect(initialDelaySeconds + failureThreshold * periodSeconds).toBe(b.startupWindowSeconds);
      expect(b.startupWindowSeconds).toBeGreaterThanOrEqual(seconds);
      expect(b.helmTimeoutSeconds).toBeGreaterThan(b.progressDeadlineSeconds);
      // A cold rollout (GPU node from zero) within its budget never reports ProgressDeadlineExceeded.
      expect(b.progressDeadlineSeconds).toBeGreaterThanOrEqual(b.preStartSeconds + b.startupWindowSeconds);
    }
  });
});

describe('startup budget per model (issue 18)', () => {
  it('is the checkpoint over the stated read throughput plus the engine init', () => {
    expect(WEIGHT_READ_GB_PER_SECOND).toEqual({ gcsfuse: 0.1, pvc: 0.05 });
    expect(ENGINE_INIT_SECONDS).toBe(600);
    expect(modelStartupSeconds(34.49, 'gcsfuse')).toBe(945);
    expect(modelStartupSeconds(34.49, 'pvc')).toBe(1290);
  });

  it('gives the probes failureThreshold x periodSeconds >= the budget, so liveness never starts within it', () => {
    for (const seconds of [300, 637, 945, 2400]) {
      const { failureThreshold, periodSeconds } = timingBudget(seconds).startupProbe;
      expect(failureThreshold * periodSeconds).toBeGreaterThanOrEqual(seconds);
    }
  });

  it("keeps a chart's fixed progress deadline below the window", () => {
    const b = timingBudget(637, 1200);
    expect(b.progressDeadlineSeconds).toBe(1200);
    expect(b.startupWindowSeconds).toBe(1500);
    expect(timingBudget(3000, 1200).startupWindowSeconds).toBe(3060);
  });

  it('bounds the model-sync Jobs by twice the copy time of the largest checkpoint', () => {
    // 138 GB (Llama-2-70B fp16) / 0.05 GB/s = 2760 s, x 2 + 300 s node scale-up.
    expect(modelSyncBudget(137.96)).toEqual({ activeDeadlineSeconds: 5820, helmTimeoutSeconds: 6120 });
  });
});

describe('checkpoint size and model-sync disk (issue 18)', () => {
  const { config } = loadEnvironment('prod');
  const placed = placeModels(config.inference!, config.gke, config.region);
  const gb = (id: string) => checkpointGb(placed.find((p) => p.config.name === id)!);

  it('budgets a 4-bit checkpoint above params x 0.5 bytes: the 70B AWQ one the Hub lists at ~36.7 GB', () => {
    // 68.98 B x 0.5 = 34.5 GB of packed weights; embeddings, lm_head and scales make the real download larger.
    expect(gb('llama-2-70b-chat')).toBeCloseTo(68.98 * 0.5 * 1.2, 6);
    expect(gb('llama-2-70b-chat')).toBeGreaterThanOrEqual(36.7);
    expect(gb('mistral-7b-instruct-v0.2')).toBeGreaterThanOrEqual(4.15);
  });

  it('gives a model-sync pod disk for two copies of the largest file + 2 GiB', () => {
    // 2 x 10 GB = 18.6 GiB -> 19 + 2.
    expect(modelSyncEphemeralStorageGiB(10)).toBe(21);
    for (const fileGb of [1, 5, 10, 20]) {
      expect(modelSyncEphemeralStorageGiB(fileGb) * 2 ** 30).toBeGreaterThanOrEqual(
        2 * fileGb * 1e9 + 2 * 2 ** 30,
      );
    }
  });
});

describe('GCS FUSE file cache on the node disk (issue 18)', () => {
  it('leaves the kubelet eviction threshold and 40 GB of headroom', () => {
    expect(gcsfuseFileCacheGiB(100)).toBe(50);
    expect(gcsfuseFileCacheGiB(200)).toBe(140);
    expect(gcsfuseFileCacheGiB(50)).toBe(5);
    expect(gcsfuseFileCacheGiB(40)).toBe(0);
  });
});
