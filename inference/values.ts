/**
 * Helm values for the inference engines, as pure functions of config and the GPU catalog: the stack passes
 * `helm-values/<chart>.yaml` merged with the overrides built here. Nothing in this module touches cdktf; values
 * that come from other stacks (bucket name, endpoint address) arrive as plain strings (tokens at synth time).
 */
import * as fs from 'fs';
import * as path from 'path';
import { stringify as stringifyYaml } from 'yaml';
import { BYTES_PER_PARAM, ModelPlacement, placeModel } from '../catalog/fit';
import { COMPUTE_CLASS_KEY, GPUS } from '../catalog/gpus';
import { QUANTIZED_CHECKPOINT_OVERHEAD_FRACTION } from '../catalog/models';
import { enginePodSize, GCSFUSE_SIDECAR_REQUESTS, gcsfuseFileCacheGiB } from '../catalog/node-capacity';
import { deepMerge } from '../config/load';
import { parseYaml } from '../config/parse-yaml';
import { repoRoot } from '../config/paths';
import { GpuPool, gpuPoolsOf, GkeConfig } from '../config/sections/gke';
import { Engine, InferenceConfig, InferenceModelConfig } from '../config/sections/inference';
import { modelStartupSeconds, TimingBudget, timingBudget } from './timing-budget';

export const HELM_VALUES_DIR = path.join(repoRoot, 'helm-values');
export const TGI_CHART_DIR = path.join(repoRoot, 'charts', 'tgi');
/** Post-renderer of the vllm-stack release: drops `patch` from the router's Role (issue 21). */
export const VLLM_POST_RENDERER = path.join(repoRoot, 'inference', 'postrender', 'router-role.js');
/** progressDeadlineSeconds the vllm-stack chart (0.1.12) writes into every engine Deployment: no value sets it. */
export const VLLM_CHART_PROGRESS_DEADLINE_SECONDS = 1200;
/**
 * Object the model-sync Job writes last under `models/<hf-id>/` (its content: the commit synced); engines start
 * only once it exists.
 */
export const MODEL_COMPLETE_MARKER = '.afpi-complete';

/** Google's load balancer and health check ranges: they must reach the endpoints of an internal load balancer. */
export const HEALTH_CHECK_RANGES = ['35.191.0.0/16', '130.211.0.0/22'] as const;

/** The upstream vLLM chart (production-stack), pinned by inference.vllmChartVersion. */
export const VLLM_CHART_REPOSITORY = 'https://vllm-project.github.io/production-stack';
export const VLLM_CHART = 'vllm-stack';
/** Release name of the vLLM stack; the chart derives every object name from it, and so do our extra objects. */
export const VLLM_RELEASE = 'vllm';
/** Extra objects are rendered through `tpl`: they name the release as the chart does. */
const RELEASE = '{{ .Release.Name }}';
/** Port of the vLLM router on the internal endpoint (OpenAI API for every vLLM model). */
export const VLLM_ENDPOINT_PORT = 8000;
/** TGI serves one model per release: model i listens on TGI_FIRST_PORT + i of the internal endpoint. */
export const TGI_FIRST_PORT = 8080;

/** Where the GCS FUSE volume with the model bucket is mounted; weights live under <bucket>/models/<hf-id>/. */
const MODELS_MOUNT = '/models';
const BUCKET_MODELS_DIR = 'models';
const HF_TOKEN_DIR = '/var/run/secrets/huggingface';
// A fixed name: the modelSpec volume that mounts it is not rendered through `tpl`.
const HF_TOKEN_CLASS = 'vllm-hf-token';
/** The marker wait is a shell loop: small requests, counted within the pod's (init containers run before it). */
const WAIT_CONTAINER_RESOURCES = { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '64Mi' } };
const GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };

/**
 * The engines and the router run as this non-root user on a read-only root filesystem (helm-values/*.yaml,
 * charts/tgi); none of their images declares a user, and their files are world-readable. What they write goes to
 * an emptyDir at /tmp: HOME and every cache below point there (vLLM: torch.compile, Triton, FlashInfer JIT,
 * outlines; TGI: its shard sockets). check:charts asserts the rendered securityContexts.
 */
export const RUN_AS_USER = 1000;
export const SCRATCH_DIR = '/tmp';
export const CACHE_ENV = [
  // torch and triton call getpass.getuser(), which fails for a UID without a passwd entry unless USER is set.
  { name: 'USER', value: 'afpi' },
  { name: 'XDG_CACHE_HOME', value: `${SCRATCH_DIR}/.cache` },
  { name: 'XDG_CONFIG_HOME', value: `${SCRATCH_DIR}/.config` },
  { name: 'TRITON_CACHE_DIR', value: `${SCRATCH_DIR}/.triton` },
  { name: 'TORCHINDUCTOR_CACHE_DIR', value: `${SCRATCH_DIR}/torchinductor` },
  { name: 'VLLM_CACHE_ROOT', value: `${SCRATCH_DIR}/.cache/vllm` },
  { name: 'OUTLINES_CACHE_DIR', value: `${SCRATCH_DIR}/.cache/outlines` },
];
/** The vLLM chart sets no HOME (the TGI chart sets it itself). */
const VLLM_SCRATCH_ENV = [{ name: 'HOME', value: SCRATCH_DIR }, ...CACHE_ENV];
const SCRATCH_VOLUME = { name: 'scratch', emptyDir: { sizeLimit: '10Gi' } };
const SCRATCH_MOUNT = { name: 'scratch', mountPath: SCRATCH_DIR };

type Values = Record<string, unknown>;

/** A configured model with its placement on its GPU pool (catalog fit rule). */
export interface PlacedModel {
  readonly config: InferenceModelConfig;
  readonly pool: GpuPool;
  readonly placement: ModelPlacement;
  /** Kubernetes-safe name (the catalog id without dots): object names and the release of TGI. */
  readonly k8sName: string;
}

/** What the values need from outside config: identities and addresses other constructs and stacks own. */
export interface EngineEnvironment {
  readonly inference: InferenceConfig;
  readonly autopilot: boolean;
  /** Kubernetes service account of the engine's pods (Workload Identity). */
  readonly serviceAccountName: string;
  readonly modelBucketName: string;
  /** `projects/<p>/secrets/<id>/versions/latest` of the Hugging Face token. */
  readonly hfTokenSecretVersion: string;
  /** Reserved internal address of the endpoint (network stack). */
  readonly loadBalancerIp: string;
  /** Ranges the Cloud Run backend's VPC egress arrives from, in every serving region. */
  readonly clientRanges: readonly string[];
  /** Startup probe, progress deadline and Helm timeout of the release (inference/timing-budget.ts). */
  readonly timing: TimingBudget;
  /** Kubernetes Secret holding the key the engines require of callers (copied from Secret Manager). */
  readonly apiKey: SecretKeyRef;
}

/** A key of a Kubernetes Secret, as the charts take it. */
export interface SecretKeyRef {
  readonly secretName: string;
  readonly secretKey: string;
}

/** Places every configured model on its pool; config validation has already refused models that do not fit. */
export function placeModels(
  inference: InferenceConfig,
  gke: GkeConfig | undefined,
  region: string,
): PlacedModel[] {
  const pools = gpuPoolsOf(gke);
  return inference.models.map((model) => {
    const pool = pools.find((p) => p.name === model.pool);
    if (!pool) throw new Error(`inference model ${model.name}: no GPU pool "${model.pool}" in gke.gpuPools`);
    const placement = placeModel({
      model: model.name,
      precision: model.precision,
      pool,
      gpuMemoryUtilization: model.gpuMemoryUtilization,
      maxModelLen: model.maxModelLen,
      region,
    });
    return { config: model, pool, placement, k8sName: model.name.replace(/\./g, '-') };
  });
}

/**
 * GB an engine reads at start: the checkpoint as stored (int8 quantizes the 16-bit weights at load; a 4-bit
 * checkpoint carries QUANTIZED_CHECKPOINT_OVERHEAD_FRACTION on top of its packed weights).
 */
export function checkpointGb(placed: PlacedModel): number {
  const precision = placed.placement.precision;
  const weightsGb =
    placed.placement.model.paramsBillions * BYTES_PER_PARAM[precision === 'int8' ? 'fp16' : precision];
  return precision === 'awq' || precision === 'gptq'
    ? weightsGb * (1 + QUANTIZED_CHECKPOINT_OVERHEAD_FRACTION)
    : weightsGb;
}

/** Startup window one model needs (inference/timing-budget.ts modelStartupSeconds). */
export function modelStartup(placed: PlacedModel, cache: InferenceConfig['modelCache']): number {
  return modelStartupSeconds(checkpointGb(placed), cache);
}

/**
 * Timing of a release serving `models`: the slowest model's startup window. vllm-stack sets one startup probe for
 * all its engines and fixes their progress deadline.
 */
export function releaseTiming(
  engine: Engine,
  models: readonly PlacedModel[],
  cache: InferenceConfig['modelCache'],
): TimingBudget {
  const seconds = Math.max(0, ...models.map((m) => modelStartup(m, cache)));
  return engine === 'vllm'
    ? timingBudget(seconds, VLLM_CHART_PROGRESS_DEADLINE_SECONDS)
    : timingBudget(seconds);
}

/** One model's startup budget on one engine, for the synth summary. */
export interface StartupBudgetLine {
  readonly model: string;
  readonly engine: Engine;
  readonly checkpointGb: number;
  /** What the model needs: checkpoint / read throughput + engine init. */
  readonly startupSeconds: number;
  /** The release's startup probe window (vLLM: its slowest model, and above the chart's fixed deadline). */
  readonly probeWindowSeconds: number;
  readonly helmTimeoutSeconds: number;
}

export function startupBudgets(
  inference: InferenceConfig,
  gke: GkeConfig | undefined,
  region: string,
): StartupBudgetLine[] {
  const placed = placeModels(inference, gke, region);
  return (inference.engines as Engine[]).flatMap((engine) =>
    placed.map((m) => {
      const release = releaseTiming(engine, engine === 'vllm' ? placed : [m], inference.modelCache);
      return {
        model: m.config.name,
        engine,
        checkpointGb: checkpointGb(m),
        startupSeconds: modelStartup(m, inference.modelCache),
        probeWindowSeconds: release.startupWindowSeconds,
        helmTimeoutSeconds: release.helmTimeoutSeconds,
      };
    }),
  );
}

/**
 * Splits `repo:tag` or `repo:tag@sha256:...` into the chart's repository and tag fields; the charts render
 * `<repository>:<tag>`, so a digest stays on the tag (`tag@sha256:...`).
 */
export function splitImage(image: string): { repository: string; tag: string } {
  const at = image.indexOf('@');
  const ref = at >= 0 ? image.slice(0, at) : image;
  const colon = ref.lastIndexOf(':');
  if (colon <= ref.lastIndexOf('/')) throw new Error(`image ${image} has no tag`);
  return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
}

/** Model id or path the engine loads: a folder of the mounted bucket, or the Hub id to download. */
export function modelSource(placed: PlacedModel, cache: InferenceConfig['modelCache']): string {
  const id = placed.placement.huggingFaceId;
  return cache === 'gcsfuse' ? `${MODELS_MOUNT}/${id}` : id;
}

/** The autoscaler metric for `engine`: CPU (seed) or its queue length from Managed Prometheus. */
export function hpaMetrics(autoscaling: InferenceConfig['autoscaling'], engine: Engine): Values[] {
  if (autoscaling.metric === 'cpu') {
    return [
      {
        type: 'Resource',
        resource: {
          name: 'cpu',
          target: { type: 'Utilization', averageUtilization: autoscaling.cpuTargetPercent },
        },
      },
    ];
  }
  const metric = engine === 'vllm' ? 'vllm:num_requests_waiting' : 'tgi_queue_size';
  return [
    {
      type: 'Pods',
      pods: {
        // How the custom metrics adapter names a Managed Prometheus gauge.
        metric: { name: `prometheus.googleapis.com|${metric}|gauge` },
        target: { type: 'AverageValue', averageValue: String(autoscaling.queueDepthTarget) },
      },
    },
  ];
}

/** A new replica needs a GPU node and minutes of weight loading: scale down slowly, one pod at a time. */
const HPA_BEHAVIOR = {
  scaleDown: { stabilizationWindowSeconds: 600, policies: [{ type: 'Pods', value: 1, periodSeconds: 300 }] },
};

/**
 * GCS FUSE options that speed up the first read of the weights: a file cache sized to the node's disk
 * (catalog/node-capacity.ts gcsfuseFileCacheGiB) and parallel downloads, which use that cache as their buffer
 * (each file must fit in it). Mount options rather than volume attributes, as GKE's docs recommend.
 */
export function gcsfuseCacheMountOptions(pool: GpuPool): string[] {
  return [
    `file-cache:max-size-mb:${gcsfuseFileCacheGiB(pool.diskSizeGb) * 1024}`,
    'file-cache:cache-file-for-range-read:true',
    'file-cache:enable-parallel-downloads:true',
  ];
}

/**
 * Size limit of the sidecar's file cache volume (GKE uses a pod volume named gke-gcsfuse-cache when there is
 * one): an emptyDir on the node's boot disk, a GiB above the cache so the cache's own files never get the pod
 * evicted.
 */
export function gcsfuseCacheSizeLimit(pool: GpuPool): string {
  return `${gcsfuseFileCacheGiB(pool.diskSizeGb) + 1}Gi`;
}

function gcsfuseVolume(bucket: string, pool: GpuPool): Values {
  return {
    name: 'model-cache',
    csi: {
      driver: 'gcsfuse.csi.storage.gke.io',
      readOnly: true,
      volumeAttributes: {
        bucketName: bucket,
        mountOptions: [
          'implicit-dirs',
          `only-dir=${BUCKET_MODELS_DIR}`,
          ...gcsfuseCacheMountOptions(pool),
        ].join(','),
      },
    },
  };
}

/** Path of a model's completion marker (written last by the model-sync Job), relative to the bucket's models/ folder. */
export function modelMarkerPath(placed: PlacedModel): string {
  return `${placed.placement.huggingFaceId}/${MODEL_COMPLETE_MARKER}`;
}

/**
 * Shell loop of the init container that holds an engine until its model's marker exists under the mounted
 * bucket: the model-sync Job writes it after every file, so the engine never loads a partial checkpoint.
 */
export function waitForWeightsCommand(placed: PlacedModel): string[] {
  const marker = `${MODELS_MOUNT}/${modelMarkerPath(placed)}`;
  return [
    'sh',
    '-c',
    `until [ -f '${marker}' ]; do echo 'waiting for ${marker} (model-sync Job)'; sleep 15; done`,
  ];
}

/**
 * Requests of the GCS FUSE sidecar: explicit, or GKE's defaults (250m, 256Mi, 5Gi) stay and the pod outgrows a
 * small node (catalog/node-capacity.ts checks the sum).
 */
export const GCSFUSE_SIDECAR_ANNOTATIONS = {
  'gke-gcsfuse/cpu-request': `${GCSFUSE_SIDECAR_REQUESTS.cpu * 1000}m`,
  'gke-gcsfuse/memory-request': `${GCSFUSE_SIDECAR_REQUESTS.memoryGiB * 1024}Mi`,
  'gke-gcsfuse/ephemeral-storage-request': `${GCSFUSE_SIDECAR_REQUESTS.ephemeralStorageGiB}Gi`,
};

/** GCS FUSE sidecar injection, without sidecar limits (large weight files would exhaust the defaults). */
const GCSFUSE_POD_ANNOTATIONS = {
  'gke-gcsfuse/volumes': 'true',
  'gke-gcsfuse/cpu-limit': '0',
  'gke-gcsfuse/memory-limit': '0',
  'gke-gcsfuse/ephemeral-storage-limit': '0',
  ...GCSFUSE_SIDECAR_ANNOTATIONS,
};

/** SecretProviderClass of the GKE Secret Manager add-on: the token as a file, read with the pod's identity. */
function hfTokenSecretProviderClass(name: string, secretVersion: string): Values {
  return {
    apiVersion: 'secrets-store.csi.x-k8s.io/v1',
    kind: 'SecretProviderClass',
    metadata: { name },
    spec: {
      provider: 'gke',
      parameters: { secrets: stringifyYaml([{ resourceName: secretVersion, path: 'token' }]) },
    },
  };
}

/** Accelerator labels of every shape the pool's compute class may give the model, first choice first. */
export function acceleratorLabels(pool: GpuPool): string[] {
  return [...new Set(pool.capacity.map((option) => GPUS[option.gpu].acceleratorType))];
}

/** The pool's custom compute class (charts/compute-classes): its capacity options, in order. */
function nodeSelectorTerms(placed: PlacedModel): Values[] {
  return [
    {
      matchExpressions: [
        { key: 'cloud.google.com/gke-accelerator', operator: 'In', values: acceleratorLabels(placed.pool) },
        { key: COMPUTE_CLASS_KEY, operator: 'In', values: [placed.pool.name] },
      ],
    },
  ];
}

/** GPU nodes carry the nvidia.com/gpu taint, the class's node pools its compute-class taint. */
function engineTolerations(placed: PlacedModel): Values[] {
  return [
    GPU_TOLERATION,
    { key: COMPUTE_CLASS_KEY, operator: 'Equal', value: placed.pool.name, effect: 'NoSchedule' },
  ];
}

/**
 * vLLM's `--quantization`. None for AWQ on Ampere and later (the catalog's bf16 GPUs): vLLM then reads the
 * checkpoint's quantization config and picks its awq_marlin kernels, which an explicit `awq` would turn off.
 */
function vllmQuantizationArgs(placed: PlacedModel): string[] {
  const method = placed.placement.quantization;
  if (!method || (method === 'awq' && GPUS[placed.pool.gpu].bf16)) return [];
  return ['--quantization', method];
}

/** One `servingEngineSpec.modelSpec` entry of the vllm-stack chart (keys from its values.yaml, chart 0.1.12). */
export function vllmModelSpec(placed: PlacedModel, env: EngineEnvironment): Values {
  const { inference } = env;
  const { placement, config } = placed;
  const size = enginePodSize(placed.pool);
  const gcsfuse = inference.modelCache === 'gcsfuse';
  const image = splitImage(inference.images.vllm);
  return {
    name: placed.k8sName,
    enabled: true,
    repository: image.repository,
    tag: image.tag,
    modelURL: modelSource(placed, inference.modelCache),
    serviceAccountName: env.serviceAccountName,
    // The HPA owns the replica count: a rendered `replicas` would reset it on every upgrade (Helm's three-way
    // merge). vllm-stack 0.1.12 omits `replicas` when keda.enabled, and renders the ScaledObject only for specs
    // without a raySpec key: this pair gives a Deployment without replicas and no KEDA object (no KEDA here).
    // scripts/check-charts.ts renders the chart and asserts both.
    keda: { enabled: true },
    raySpec: { enabled: false },
    // The chart defaults to the "nvidia" runtime class, which GKE does not have (its GPU nodes need none).
    runtimeClassName: '',
    requestCPU: size.cpu,
    requestMemory: `${size.memoryGiB}Gi`,
    limitMemory: `${size.memoryGiB}Gi`,
    requestGPU: placement.gpuCount,
    vllmConfig: {
      tensorParallelSize: placement.tensorParallelSize,
      gpuMemoryUtilization: placement.gpuMemoryUtilization,
      maxModelLen: placement.maxModelLen,
      dtype: placement.dtype,
      enablePrefixCaching: true,
      extraArgs: [
        // Clients ask for the catalog id whatever the checkpoint or path behind it.
        '--served-model-name',
        config.name,
        ...vllmQuantizationArgs(placed),
      ],
    },
    shmSize: `${size.shmGiB}Gi`,
    nodeSelectorTerms: nodeSelectorTerms(placed),
    tolerations: engineTolerations(placed),
    // Weights from the bucket need no Hub access; downloads into the volume read the token from Secret Manager.
    ...(gcsfuse
      ? {
          env: [{ name: 'HF_HUB_OFFLINE', value: '1' }, ...VLLM_SCRATCH_ENV],
          podAnnotations: GCSFUSE_POD_ANNOTATIONS,
          extraVolumes: [
            gcsfuseVolume(env.modelBucketName, placed.pool),
            { name: 'gke-gcsfuse-cache', emptyDir: { sizeLimit: gcsfuseCacheSizeLimit(placed.pool) } },
            SCRATCH_VOLUME,
          ],
          extraVolumeMounts: [
            { name: 'model-cache', mountPath: MODELS_MOUNT, readOnly: true },
            SCRATCH_MOUNT,
          ],
          // The engine image (pulled for the engine anyway) waits for the weights; GKE runs the GCS FUSE
          // sidecar as a native sidecar, started before this init container.
          initContainer: {
            name: 'wait-for-weights',
            image: inference.images.vllm,
            command: waitForWeightsCommand(placed),
            resources: WAIT_CONTAINER_RESOURCES,
            extraVolumeMounts: [{ name: 'model-cache', mountPath: MODELS_MOUNT, readOnly: true }],
          },
        }
      : {
          env: [{ name: 'HF_TOKEN_PATH', value: `${HF_TOKEN_DIR}/token` }, ...VLLM_SCRATCH_ENV],
          extraVolumes: [
            SCRATCH_VOLUME,
            {
              name: 'hf-token',
              csi: {
                driver: 'secrets-store-gke.csi.k8s.io',
                readOnly: true,
                volumeAttributes: { secretProviderClass: HF_TOKEN_CLASS },
              },
            },
          ],
          extraVolumeMounts: [{ name: 'hf-token', mountPath: HF_TOKEN_DIR, readOnly: true }, SCRATCH_MOUNT],
          pvcStorage: `${inference.pvc.sizeGb}Gi`,
          storageClass: inference.pvc.storageClass,
          pvcAccessMode: ['ReadWriteMany'],
        }),
    // Voluntary disruptions take one replica at a time (GPU pools upgrade in place, without a spare node).
    pdb: { enabled: true, maxUnavailable: 1 },
  };
}

/**
 * The router pods' labels. `release` defaults to the template, which only the chart's extraObjects may carry
 * (Helm renders them through `tpl`); objects Terraform creates need the concrete name (VLLM_RELEASE).
 */
export function routerSelector(release: string = RELEASE): Record<string, string> {
  return { 'app.kubernetes.io/component': 'router', 'app.kubernetes.io/instance': release };
}
const ROUTER_SELECTOR = routerSelector();
const ENGINE_SELECTOR = {
  'app.kubernetes.io/component': 'serving-engine',
  'app.kubernetes.io/instance': RELEASE,
};
const FROM_MANAGED_PROMETHEUS = {
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gmp-system' } },
};

function ipBlocks(ranges: readonly string[]): Values[] {
  return ranges.map((cidr) => ({ ipBlock: { cidr } }));
}

/** Objects the vLLM release adds to the chart's: autoscalers, endpoint, network policies, token mount. */
export function vllmExtraObjects(placed: readonly PlacedModel[], env: EngineEnvironment): Values[] {
  const clients = [...env.clientRanges, ...HEALTH_CHECK_RANGES];
  return [
    ...placed.map((model) => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: `${RELEASE}-${model.k8sName}` },
      spec: {
        scaleTargetRef: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: `${RELEASE}-${model.k8sName}-deployment-vllm`,
        },
        minReplicas: model.config.minReplicas,
        maxReplicas: model.config.maxReplicas,
        metrics: hpaMetrics(env.inference.autoscaling, 'vllm'),
        behavior: HPA_BEHAVIOR,
      },
    })),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: `${RELEASE}-endpoint`,
        // Internal passthrough load balancer: reachable from the VPC (Cloud Run egress), never from the internet.
        // Global access lets the DR region's backend reach it too; loadBalancerSourceRanges still limit clients.
        annotations: {
          'networking.gke.io/load-balancer-type': 'Internal',
          'networking.gke.io/internal-load-balancer-allow-global-access': 'true',
        },
      },
      spec: {
        type: 'LoadBalancer',
        loadBalancerIP: env.loadBalancerIp,
        loadBalancerSourceRanges: [...env.clientRanges],
        // Keeps the client address so the network policy can check it.
        externalTrafficPolicy: 'Local',
        selector: ROUTER_SELECTOR,
        ports: [{ name: 'http', port: VLLM_ENDPOINT_PORT, targetPort: 'router-port', protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${RELEASE}-router` },
      spec: {
        podSelector: { matchLabels: ROUTER_SELECTOR },
        policyTypes: ['Ingress'],
        ingress: [
          { from: ipBlocks(clients), ports: [{ port: 'router-port', protocol: 'TCP' }] },
          { from: [FROM_MANAGED_PROMETHEUS], ports: [{ port: 'router-port', protocol: 'TCP' }] },
        ],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `${RELEASE}-engines` },
      spec: {
        podSelector: { matchLabels: ENGINE_SELECTOR },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: ROUTER_SELECTOR } }, FROM_MANAGED_PROMETHEUS],
            ports: [{ port: 'container-port', protocol: 'TCP' }],
          },
        ],
      },
    },
    ...(env.inference.modelCache === 'pvc'
      ? [hfTokenSecretProviderClass(HF_TOKEN_CLASS, env.hfTokenSecretVersion)]
      : []),
  ];
}

/** Overrides for helm-values/vllm-stack.yaml: every model, the pinned router, the environment's objects. */
export function vllmOverrides(placed: readonly PlacedModel[], env: EngineEnvironment): Values {
  const router = splitImage(env.inference.images.router);
  return {
    servingEngineSpec: {
      modelSpec: placed.map((model) => vllmModelSpec(model, env)),
      // The chart fixes progressDeadlineSeconds (1200): check:charts asserts it equals the budget's.
      startupProbe: env.timing.startupProbe,
      // Engines refuse /v1 requests without the key (VLLM_API_KEY); /health and /metrics stay open (probes,
      // Managed Prometheus).
      vllmApiKey: env.apiKey,
    },
    // The router sends the key on its own calls to the engines (model discovery).
    routerSpec: {
      repository: router.repository,
      tag: router.tag,
      vllmApiKey: env.apiKey,
      env: VLLM_SCRATCH_ENV,
      extraVolumes: [SCRATCH_VOLUME],
      extraVolumeMounts: [SCRATCH_MOUNT],
    },
    extraObjects: vllmExtraObjects(placed, env),
  };
}

/** Overrides for helm-values/tgi.yaml for one model (TGI serves one model per release). */
export function tgiOverrides(placed: PlacedModel, index: number, env: EngineEnvironment): Values {
  const { inference } = env;
  const { placement, config } = placed;
  const size = enginePodSize(placed.pool);
  const image = splitImage(inference.images.tgi);
  const autoscaling = inference.autoscaling;
  return {
    fullnameOverride: tgiRelease(placed),
    image: { repository: image.repository, tag: image.tag },
    model: {
      id: modelSource(placed, inference.modelCache),
      numShard: placement.tensorParallelSize,
      quantize: placement.quantization ?? '',
      // TGI derives the compute dtype from the quantization method; --dtype only for unquantized weights.
      dtype: placement.quantization ? '' : placement.dtype,
      maxInputTokens: Math.floor((placement.maxModelLen * 3) / 4),
      maxTotalTokens: placement.maxModelLen,
    },
    gpu: {
      count: placement.gpuCount,
      // The chart selects one accelerator; a class spanning GPUs is selected by the class alone.
      acceleratorType: acceleratorLabels(placed.pool).length === 1 ? placement.acceleratorLabel : '',
      computeClass: placed.pool.name,
    },
    tolerations: engineTolerations(placed),
    resources: {
      requests: { cpu: String(size.cpu), memory: `${size.memoryGiB}Gi` },
      limits: { memory: `${size.memoryGiB}Gi` },
    },
    shmSize: `${size.shmGiB}Gi`,
    ...(inference.modelCache === 'gcsfuse' ? { podAnnotations: GCSFUSE_SIDECAR_ANNOTATIONS } : {}),
    probes: { startup: env.timing.startupProbe },
    progressDeadlineSeconds: env.timing.progressDeadlineSeconds,
    modelCache:
      inference.modelCache === 'gcsfuse'
        ? {
            type: 'gcsfuse',
            gcsfuse: {
              bucket: env.modelBucketName,
              onlyDir: BUCKET_MODELS_DIR,
              extraMountOptions: gcsfuseCacheMountOptions(placed.pool),
              fileCacheSizeLimit: gcsfuseCacheSizeLimit(placed.pool),
              waitForMarker: modelMarkerPath(placed),
            },
          }
        : {
            type: 'pvc',
            pvc: {
              size: `${inference.pvc.sizeGb}Gi`,
              storageClassName: inference.pvc.storageClass,
              accessModes: ['ReadWriteMany'],
            },
          },
    hfToken: { secretManagerVersion: inference.modelCache === 'pvc' ? env.hfTokenSecretVersion : '' },
    serviceAccount: { create: false, name: env.serviceAccountName },
    apiKey: env.apiKey,
    env: CACHE_ENV,
    service: {
      type: 'LoadBalancer',
      internal: true,
      port: TGI_FIRST_PORT + index,
      loadBalancerIP: env.loadBalancerIp,
      loadBalancerSourceRanges: [...env.clientRanges],
    },
    autoscaling: {
      enabled: true,
      minReplicas: config.minReplicas,
      maxReplicas: config.maxReplicas,
      metric: autoscaling.metric,
      targetCPUUtilizationPercentage: autoscaling.cpuTargetPercent,
      queueDepthTarget: autoscaling.queueDepthTarget,
    },
    networkPolicy: { allowedCidrs: [...env.clientRanges], healthCheckCidrs: [...HEALTH_CHECK_RANGES] },
  };
}

/** Helm release name of a model's TGI server. */
export function tgiRelease(placed: PlacedModel): string {
  return `tgi-${placed.k8sName}`;
}

/** Parses helm-values/<file>. */
export function readValuesFile(file: string, dir = HELM_VALUES_DIR): Values {
  const parsed: unknown = parseYaml(fs.readFileSync(path.join(dir, file), 'utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${path.join(dir, file)} is not a YAML mapping`);
  }
  return parsed as Values;
}

/**
 * Lays `overrides` over `base`: maps merge key by key, lists and scalars are replaced, except `extraObjects`,
 * which is appended to (the file's static objects stay, the generated ones join them).
 */
export function mergeValues(base: Values, overrides: Values): Values {
  const merged = deepMerge(base, overrides) as Values;
  if (Array.isArray(base.extraObjects) && Array.isArray(overrides.extraObjects)) {
    merged.extraObjects = [...base.extraObjects, ...overrides.extraObjects];
  }
  return merged;
}

/** The values document a release receives: the file merged with the overrides, as YAML. */
export function renderValues(file: string, overrides: Values): string {
  return stringifyYaml(mergeValues(readValuesFile(file), overrides), {
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
}

/** What the Cloud Run backend calls: one OpenAI-compatible endpoint per engine and port. */
export interface InferenceEndpoint {
  readonly engine: Engine;
  readonly port: number;
  /** Catalog ids served there (vLLM routes by the request's `model`). */
  readonly models: readonly string[];
}

export function endpointsOf(inference: InferenceConfig): InferenceEndpoint[] {
  const models = inference.models.map((m) => m.name);
  return [
    ...(inference.engines.includes('vllm')
      ? [{ engine: 'vllm' as const, port: VLLM_ENDPOINT_PORT, models }]
      : []),
    ...(inference.engines.includes('tgi')
      ? models.map((model, index) => ({
          engine: 'tgi' as const,
          port: TGI_FIRST_PORT + index,
          models: [model],
        }))
      : []),
  ];
}
