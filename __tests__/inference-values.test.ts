import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import { enginePodSize } from '../catalog/node-capacity';
import { loadEnvironment } from '../config/load';
import { InferenceConfig } from '../config/sections/inference';
import {
  EngineEnvironment,
  endpointsOf,
  hpaMetrics,
  mergeValues,
  placeModels,
  readValuesFile,
  renderValues,
  splitImage,
  TGI_CHART_DIR,
  tgiOverrides,
  vllmExtraObjects,
  vllmModelSpec,
} from '../inference/values';
import { timingBudget } from '../inference/timing-budget';

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const prod = loadEnvironment('prod').config;
const placed = placeModels(prod.inference!, prod.gke, prod.region);
const [mistral, llama] = placed;

function environment(inference: InferenceConfig = prod.inference!, autopilot = false): EngineEnvironment {
  return {
    inference,
    autopilot,
    serviceAccountName: 'tgi',
    modelBucketName: 'afpi-production-models',
    hfTokenSecretVersion: 'projects/afpi-production/secrets/hf-token/versions/latest',
    loadBalancerIp: '10.10.0.50',
    clientRanges: ['10.8.0.0/28'],
    timing: timingBudget(),
    apiKey: { secretName: 'inference-api-key', secretKey: 'api-key' },
  };
}

/** Paths of every leaf of `values` (lists count as leaves), e.g. `model.numShard`. */
function leafPaths(values: Values, prefix = ''): string[] {
  return Object.entries(values).flatMap(([key, value]) =>
    value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0
      ? leafPaths(value, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

describe('helm values files', () => {
  it.each(['vllm-stack.yaml', 'tgi.yaml'])('helm-values/%s parses to a mapping', (file) => {
    expect(readValuesFile(file)).toEqual(expect.any(Object));
  });

  it('pins the vLLM router and clears the runtime class the chart defaults to', () => {
    const vllm: Values = readValuesFile('vllm-stack.yaml');
    expect(vllm.servingEngineSpec.runtimeClassName).toBe('');
    expect(vllm.routerSpec.tag).toBe('v0.1.12');
    expect(JSON.stringify(vllm)).not.toContain('"latest"');
  });

  it('names only settings our TGI chart has (a typo would be silently ignored by Helm)', () => {
    const chartDefaults = parse(fs.readFileSync(path.join(TGI_CHART_DIR, 'values.yaml'), 'utf8'));
    const known = new Set(leafPaths(chartDefaults));
    const isKnown = (leaf: string) => [...known].some((k) => k === leaf || leaf.startsWith(`${k}.`));
    const used = [
      ...leafPaths(readValuesFile('tgi.yaml')),
      ...leafPaths(tgiOverrides(llama, 1, environment())),
    ];
    expect(used.filter((leaf) => !isKnown(leaf))).toEqual([]);
  });
});

describe('values merge', () => {
  it('merges maps key by key and replaces lists', () => {
    expect(mergeValues({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3] }, e: true })).toEqual({
      a: { b: 1, c: [3] },
      d: 'x',
      e: true,
    });
  });

  it('appends generated extraObjects to the file’s own', () => {
    expect(
      mergeValues({ extraObjects: [{ kind: 'A' }] }, { extraObjects: [{ kind: 'B' }] }).extraObjects,
    ).toEqual([{ kind: 'A' }, { kind: 'B' }]);
  });

  it('renders the TGI chart values: file + overrides, as Helm will receive them', () => {
    const values = parse(renderValues('tgi.yaml', tgiOverrides(llama, 1, environment())));
    expect(values.model).toEqual({
      id: '/models/TheBloke/Llama-2-70B-Chat-AWQ',
      numShard: 2,
      quantize: 'awq',
      dtype: '',
      maxInputTokens: 3072,
      maxTotalTokens: 4096,
    });
    expect(values.gpu).toEqual({ count: 2, acceleratorType: 'nvidia-tesla-a100', computeClass: 'gpu-large' });
    expect(values.image).toEqual({
      repository: 'ghcr.io/huggingface/text-generation-inference',
      tag: '3.3.5',
      pullPolicy: 'IfNotPresent',
    });
    expect(values.service).toEqual({
      type: 'LoadBalancer',
      internal: true,
      externalTrafficPolicy: 'Local',
      port: 8081,
      loadBalancerIP: '10.10.0.50',
      loadBalancerSourceRanges: ['10.8.0.0/28'],
    });
    expect(values.modelCache).toEqual({
      type: 'gcsfuse',
      gcsfuse: {
        onlyDir: 'models',
        bucket: 'afpi-production-models',
        extraMountOptions: [
          'file-cache:max-size-mb:51200',
          'file-cache:cache-file-for-range-read:true',
          'file-cache:enable-parallel-downloads:true',
        ],
        fileCacheSizeLimit: '51Gi',
        waitForMarker: 'TheBloke/Llama-2-70B-Chat-AWQ/.afpi-complete',
      },
    });
    // From the file, untouched by the overrides.
    expect(values.pdb).toEqual({ enabled: true, maxUnavailable: 1 });
    expect(values.podMonitoring).toEqual({ enabled: true, interval: '30s' });
    expect(values.probes.startup).toEqual(timingBudget().startupProbe);
    expect(values.progressDeadlineSeconds).toBe(timingBudget().progressDeadlineSeconds);
  });

  it('passes --dtype to TGI only for unquantized weights', () => {
    expect(tgiOverrides(llama, 1, environment()).model).toEqual(
      expect.objectContaining({ dtype: '', quantize: 'awq' }),
    );
    const staging = loadEnvironment('staging').config;
    const bf16 = placeModels(
      {
        ...staging.inference!,
        models: [
          { ...staging.inference!.models[0], precision: 'fp16', pool: 'gpu-small', maxModelLen: 1024 },
        ],
      },
      { ...staging.gke!, gpuPools: [{ name: 'gpu-small', preset: 'l4' }] },
      staging.region,
    );
    expect(tgiOverrides(bf16[0], 0, environment(staging.inference)).model).toEqual(
      expect.objectContaining({
        dtype: 'float16',
        quantize: '',
        id: '/models/mistralai/Mistral-7B-Instruct-v0.2',
      }),
    );
  });
});

describe('generated overrides', () => {
  it('splits pinned image references into repository and tag', () => {
    expect(splitImage('vllm/vllm-openai:v0.15.1')).toEqual({
      repository: 'vllm/vllm-openai',
      tag: 'v0.15.1',
    });
    expect(splitImage('registry:5000/team/tgi:3.3.5')).toEqual({
      repository: 'registry:5000/team/tgi',
      tag: '3.3.5',
    });
    // The charts render <repository>:<tag>: a digest stays on the tag, and is never alone.
    expect(splitImage(`vllm/vllm-openai:v0.15.1@sha256:${'b'.repeat(64)}`)).toEqual({
      repository: 'vllm/vllm-openai',
      tag: `v0.15.1@sha256:${'b'.repeat(64)}`,
    });
    expect(() => splitImage(`vllm/vllm-openai@sha256:${'b'.repeat(64)}`)).toThrow('has no tag');
  });

  it('sizes a replica from its pool’s machine: 75 % of the vCPUs, 65 % of the memory, shm by GPU count', () => {
    expect(enginePodSize(mistral.pool)).toEqual({ cpu: 6, memoryGiB: 20, shmGiB: 2 });
    expect(enginePodSize(llama.pool)).toEqual({ cpu: 18, memoryGiB: 110, shmGiB: 4 });
  });

  it.each([false, true])(
    'selects the pool’s compute class and tolerates its taint (autopilot %s)',
    (autopilot) => {
      const spec = vllmModelSpec(mistral, environment(prod.inference, autopilot));
      expect(spec.nodeSelectorTerms).toEqual([
        {
          matchExpressions: [
            { key: 'cloud.google.com/gke-accelerator', operator: 'In', values: ['nvidia-l4'] },
            { key: 'cloud.google.com/compute-class', operator: 'In', values: ['gpu-small'] },
          ],
        },
      ]);
      const tolerations = [
        { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
        {
          key: 'cloud.google.com/compute-class',
          operator: 'Equal',
          value: 'gpu-small',
          effect: 'NoSchedule',
        },
      ];
      expect(spec.tolerations).toEqual(tolerations);
      const tgi = tgiOverrides(mistral, 0, environment(prod.inference, autopilot));
      expect(tgi.gpu).toEqual({ count: 1, acceleratorType: 'nvidia-l4', computeClass: 'gpu-small' });
      expect(tgi.tolerations).toEqual(tolerations);
    },
  );

  it('selects every accelerator of a class spanning GPUs; TGI then selects by the class alone', () => {
    const a100 = {
      provisioning: 'on-demand' as const,
      machineType: 'a2-highgpu-1g',
      gpu: 'a100-40gb' as const,
    };
    const pool = {
      ...mistral.pool,
      capacity: [
        ...mistral.pool.capacity,
        { ...a100, gpuCount: 1, nodePoolName: 'gpu-small-od-a100-40gb', path: [], config: a100 },
      ],
    };
    const spanning = { ...mistral, pool };
    const spec = vllmModelSpec(spanning, environment(prod.inference));
    expect((spec.nodeSelectorTerms as Values[])[0].matchExpressions[0]).toEqual({
      key: 'cloud.google.com/gke-accelerator',
      operator: 'In',
      values: ['nvidia-l4', 'nvidia-tesla-a100'],
    });
    expect(tgiOverrides(spanning, 0, environment(prod.inference)).gpu).toEqual({
      count: 1,
      acceleratorType: '',
      computeClass: 'gpu-small',
    });
  });

  it('downloads into a shared volume instead of mounting the bucket with modelCache pvc', () => {
    const inference: InferenceConfig = { ...prod.inference!, modelCache: 'pvc' };
    const spec = vllmModelSpec(mistral, environment(inference));
    expect(spec).toEqual(
      expect.objectContaining({
        modelURL: 'TheBloke/Mistral-7B-Instruct-v0.2-AWQ',
        pvcStorage: '100Gi',
        storageClass: 'standard-rwx',
        pvcAccessMode: ['ReadWriteMany'],
      }),
    );
    // The token comes from Secret Manager as a file, read with the pod's Workload Identity.
    expect(spec.env).toContainEqual({ name: 'HF_TOKEN_PATH', value: '/var/run/secrets/huggingface/token' });
    expect(spec.extraVolumes).toEqual([
      { name: 'scratch', emptyDir: { sizeLimit: '10Gi' } },
      {
        name: 'hf-token',
        csi: {
          driver: 'secrets-store-gke.csi.k8s.io',
          readOnly: true,
          volumeAttributes: { secretProviderClass: 'vllm-hf-token' },
        },
      },
    ]);
    const spc = vllmExtraObjects([mistral], environment(inference)).find(
      (o) => o.kind === 'SecretProviderClass',
    );
    expect(spc).toEqual({
      apiVersion: 'secrets-store.csi.x-k8s.io/v1',
      kind: 'SecretProviderClass',
      metadata: { name: 'vllm-hf-token' },
      spec: { provider: 'gke', parameters: { secrets: expect.any(String) } },
    });
    expect(parse((spc as Values).spec.parameters.secrets)).toEqual([
      { resourceName: 'projects/afpi-production/secrets/hf-token/versions/latest', path: 'token' },
    ]);
    expect(tgiOverrides(mistral, 0, environment(inference)).hfToken).toEqual({
      secretManagerVersion: 'projects/afpi-production/secrets/hf-token/versions/latest',
    });
    expect(tgiOverrides(mistral, 0, environment(inference)).modelCache).toEqual({
      type: 'pvc',
      pvc: { size: '100Gi', storageClassName: 'standard-rwx', accessModes: ['ReadWriteMany'] },
    });
  });

  it('picks the HPA metric by config', () => {
    const autoscaling = prod.inference!.autoscaling;
    expect(hpaMetrics({ ...autoscaling, metric: 'cpu', cpuTargetPercent: 60 }, 'tgi')).toEqual([
      {
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } },
      },
    ]);
    expect(hpaMetrics({ ...autoscaling, metric: 'queue-depth', queueDepthTarget: 3 }, 'tgi')).toEqual([
      {
        type: 'Pods',
        pods: {
          metric: { name: 'prometheus.googleapis.com|tgi_queue_size|gauge' },
          target: { type: 'AverageValue', averageValue: '3' },
        },
      },
    ]);
  });

  it('lists one endpoint for vLLM and one port per model for TGI', () => {
    expect(endpointsOf({ ...prod.inference!, engines: ['tgi'] })).toEqual([
      { engine: 'tgi', port: 8080, models: ['mistral-7b-instruct-v0.2'] },
      { engine: 'tgi', port: 8081, models: ['llama-2-70b-chat'] },
    ]);
  });
});
