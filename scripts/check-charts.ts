/**
 * `npm run check:charts`: every Helm release of the synthesized inference stack, for every environment and for
 * the default environment at every tier with inference, rendered with exactly the values the app generates (the
 * release's `values` documents in order, then its `set` entries, as Helm merges them): `helm lint --strict`,
 * `helm template`, the built-in kinds against the Kubernetes JSON schemas of GKE's version (offline,
 * `kubernetes-validate --strict`), and the assertions of scripts/chart-assertions.ts on the rendered objects.
 * Our charts come from charts/<name>; the upstream vllm-stack chart from its published package
 * (scripts/chart-contract.ts chartPackage: AFPI_VLLM_CHART, AFPI_SHARED_DIR, or ../shared/charts next to the repo). The vLLM release is also rendered
 * under another release name once, to prove every object follows the release name.
 * Terraform references in the values resolve to the literal they point at in the same stack (namespace, service
 * account names) or else become fixed placeholders, printed once. One line per release; exits 1 on any finding.
 * Needs: helm (scripts/tools/helm.sh) and kubernetes-validate (scripts/tools/python-tools.sh).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { synthesize } from '../app/synthesize';
import { GPUS } from '../catalog/gpus';
import { MAX_CHECKPOINT_FILE_GB } from '../catalog/models';
import { enginePodSize, gcsfuseFileCacheGiB, modelSyncEphemeralStorageGiB } from '../catalog/node-capacity';
import { DEFAULT_ENV, loadEnvironment } from '../config/load';
import { repoRoot } from '../config/paths';
import { EnvironmentConfig, TIERS } from '../config/schema';
import { modelSyncBudget } from '../inference/timing-budget';
import {
  checkpointGb,
  MODEL_COMPLETE_MARKER,
  modelSource,
  modelStartup,
  PlacedModel,
  placeModels,
  releaseTiming,
  RUN_AS_USER,
  TGI_FIRST_PORT,
  tgiRelease,
  VLLM_ENDPOINT_PORT,
  VLLM_CHART,
} from '../inference/values';
import { mirroredImage, mirrorPrefix } from '../catalog/registries';
import { INFERENCE_API_KEY_K8S_SECRET } from '../stacks/inference-stack';
import { MODEL_SYNC_RELEASE } from '../inference/model-sync';
import { chartPackage } from './chart-contract';
import {
  assertComputeClasses,
  assertRelease,
  ComputeClassesExpectation,
  EngineExpectation,
  K8sObject,
  ReleaseExpectation,
} from './chart-assertions';
import { COMPUTE_CLASSES_RELEASE } from '../inference/compute-classes';
import { gpuPoolsOf } from '../config/sections/gke';
import { MIN_CAPACITY_OPTIONS } from '../policy/rules/kubernetes';
import { synthAllOrReport } from './synth-all';

const OUT_ROOT = path.join(repoRoot, 'cdktf.out.charts');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const TOOLS = path.join(repoRoot, 'scripts', 'tools');
/** GKE's regular release channel. */
const KUBERNETES_VERSION = '1.33.0';
/** A second release name the vLLM release is rendered under: objects must follow it. */
const RENAMED_RELEASE = 'afpi-renamed';

/** Custom resources: kubernetes-validate ships schemas for built-in kinds only. */
const CRD_KINDS: Record<string, string> = {
  'monitoring.googleapis.com/v1 PodMonitoring': 'Google Managed Prometheus CRD',
  'secrets-store.csi.x-k8s.io/v1 SecretProviderClass': 'Secrets Store CSI driver CRD',
  'cloud.google.com/v1 ComputeClass': 'GKE custom compute class CRD',
};

interface HelmSet {
  readonly name: string;
  readonly value: string;
  readonly type?: string;
}

interface HelmRelease {
  readonly name: string;
  readonly chart: string;
  readonly repository?: string;
  readonly version?: string;
  readonly namespace?: string;
  readonly values?: string[];
  readonly set?: HelmSet[];
  readonly timeout?: number;
  /** Post-renderer (issue 21's router Role fix); its args are relative to the stack directory. */
  readonly postrender?: { readonly binary_path: string; readonly args?: string[] };
}

interface Target {
  readonly label: string;
  readonly config: EnvironmentConfig;
  /** cdk.tf.json of the inference stack, when the tier has one. */
  readonly inferenceFile?: string;
  /** cdk.tf.json of the gke-gpu stack: the node pools the compute classes name. */
  readonly gkeFile?: string;
}

/** Prints a tool's path from its install script (which installs it when missing). */
function tool(script: string): string {
  return execFileSync(path.join(TOOLS, script), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/**
 * Replaces each Terraform reference (`${...}`): by the literal it points at in `resources` when it is one (a
 * namespace's or service account's name), else by a placeholder a Kubernetes field accepts (an address for
 * `...address` outputs, a DNS label otherwise). The same reference always gets the same placeholder.
 */
class References {
  constructor(
    private readonly resources: Record<string, Record<string, unknown>>,
    /** Reference -> placeholder, shared by every environment so one placeholder means one reference. */
    readonly used: Map<string, string>,
  ) {}

  private literal(ref: string): string | undefined {
    const [type, name, ...rest] = ref.split('.');
    let value: unknown = this.resources[type]?.[name];
    for (const part of rest
      .join('.')
      .split(/\.|\[(\d+)\]/)
      .filter((p) => p)) {
      if (Array.isArray(value)) value = /^\d+$/.test(part) ? value[Number(part)] : value[0]?.[part];
      else if (value && typeof value === 'object')
        value = /^\d+$/.test(part) ? value : (value as Record<string, unknown>)[part];
      else return undefined;
    }
    return typeof value === 'string' && !value.includes('${') ? value : undefined;
  }

  replace(text: string): string {
    return text.replace(/\$\{([^}]*)\}/g, (_, ref: string) => {
      const literal = this.literal(ref);
      if (literal !== undefined) return literal;
      let value = this.used.get(ref);
      if (value === undefined) {
        const n = this.used.size + 1;
        value = /address$/i.test(ref) ? `10.255.0.${n}` : `tf-ref-${n}`;
        this.used.set(ref, value);
      }
      return value;
    });
  }

  /** Walks parsed YAML, replacing in every string. */
  replaceIn(value: unknown): unknown {
    if (typeof value === 'string') return this.replace(value);
    if (Array.isArray(value)) return value.map((v) => this.replaceIn(v));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.replaceIn(v)]));
    }
    return value;
  }
}

function run(cmd: string, args: string[], cwd?: string): { ok: boolean; output: string; stdout: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, cwd });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim(), stdout: r.stdout };
}

const indent = (text: string) => text.replace(/^/gm, '    ');

/** Label keys of the chart's default engine and router labels (vllm-stack: `environment`, `release`). */
function chartDefaultLabelKeys(helm: string, chart: string): string[] {
  const values = parseYaml(run(helm, ['show', 'values', chart]).stdout) as Record<
    string,
    { labels?: object }
  >;
  return [
    ...new Set(
      [values.servingEngineSpec?.labels, values.routerSpec?.labels].flatMap((l) => Object.keys(l ?? {})),
    ),
  ];
}

/** What the release must render, from config and the catalogs. */
function expectationOf(
  config: EnvironmentConfig,
  release: HelmRelease,
  name: string,
  forbiddenSelectorKeys: readonly string[],
): ReleaseExpectation | undefined {
  const inference = config.inference!;
  const placed = placeModels(inference, config.gke, config.region);
  // The engines pull their public images through the project's Artifact Registry mirrors.
  const pulled = (image: string) => mirroredImage(image, mirrorPrefix(config.projectId, config.region));
  const cache = inference.modelCache;
  const engine = (
    p: PlacedModel,
    e: 'vllm' | 'tgi',
    deployment: string,
    args: Record<string, string | null>,
  ): EngineExpectation => {
    const size = enginePodSize(p.pool);
    return {
      deployment,
      container: e,
      image: pulled(inference.images[e]),
      gpuCount: p.placement.gpuCount,
      acceleratorLabels: [...new Set(p.pool.capacity.map((o) => GPUS[o.gpu].acceleratorType))],
      computeClass: p.pool.name,
      cpu: size.cpu,
      memoryGiB: size.memoryGiB,
      shmGiB: size.shmGiB,
      args,
      modelSource: modelSource(p, inference.modelCache),
      modelCache: inference.modelCache,
      serviceAccountName: e,
      minReplicas: p.config.minReplicas,
      maxReplicas: p.config.maxReplicas,
      startupSeconds: modelStartup(p, cache),
      weights:
        cache === 'gcsfuse'
          ? {
              markerPath: `/models/${p.placement.huggingFaceId}/${MODEL_COMPLETE_MARKER}`,
              fileCacheMiB: gcsfuseFileCacheGiB(p.pool.diskSizeGb) * 1024,
            }
          : undefined,
    };
  };
  const base = {
    release: name,
    helmTimeoutSeconds: release.timeout ?? NaN,
    modelSyncJobs: [],
    runAsUser: RUN_AS_USER,
  };
  const apiKey = (env: string, containers: { deployment: string; container: string }[]) => ({
    env,
    secretName: INFERENCE_API_KEY_K8S_SECRET,
    secretKey: 'api-key',
    containers,
  });
  if (release.name === MODEL_SYNC_RELEASE) {
    const budget = modelSyncBudget(Math.max(...placed.map(checkpointGb)));
    return {
      ...base,
      engine: 'vllm',
      modelSyncHelmTimeoutSeconds: budget.helmTimeoutSeconds,
      images: [pulled(inference.images.vllm)],
      engines: [],
      endpointPorts: [],
      forbiddenSelectorKeys: [],
      roles: [],
      // Jobs, not Deployments: no engine takes the key here, and the non-root check covers Deployments only.
      apiKey: apiKey('VLLM_API_KEY', []),
      modelSyncJobs: placed.map((p) => ({
        model: p.k8sName,
        huggingFaceId: p.placement.huggingFaceId,
        image: pulled(inference.images.vllm),
        serviceAccountName: MODEL_SYNC_RELEASE,
        marker: MODEL_COMPLETE_MARKER,
        activeDeadlineSeconds: budget.activeDeadlineSeconds,
        maxFileBytes: MAX_CHECKPOINT_FILE_GB * 1e9,
        ephemeralStorageGiB: modelSyncEphemeralStorageGiB(MAX_CHECKPOINT_FILE_GB),
      })),
    };
  }
  if (release.chart === VLLM_CHART) {
    return {
      ...base,
      timing: releaseTiming('vllm', placed, cache),
      engine: 'vllm',
      images: [pulled(inference.images.vllm), pulled(inference.images.router)],
      engines: placed.map((p) =>
        engine(p, 'vllm', `${name}-${p.k8sName}-deployment-vllm`, {
          '--tensor-parallel-size': String(p.placement.tensorParallelSize),
          '--max-model-len': String(p.placement.maxModelLen),
          '--dtype': p.placement.dtype,
          '--gpu_memory_utilization': String(p.placement.gpuMemoryUtilization),
          '--served-model-name': p.config.name,
          // AWQ on Ampere+ (bf16 GPUs): no flag, so vLLM picks its awq_marlin kernels from the checkpoint.
          '--quantization':
            p.placement.quantization === 'awq' && GPUS[p.pool.gpu].bf16
              ? null
              : (p.placement.quantization ?? null),
        }),
      ),
      endpointPorts: [VLLM_ENDPOINT_PORT],
      forbiddenSelectorKeys,
      // The chart grants the router pods:patch (sleep mode, unused); issue 21's post-renderer removes it.
      roles: [{ name: `${name}-reader`, forbiddenVerbs: ['patch'] }],
      apiKey: apiKey('VLLM_API_KEY', [
        ...placed.map((p) => ({ deployment: `${name}-${p.k8sName}-deployment-vllm`, container: 'vllm' })),
        { deployment: `${name}-deployment-router`, container: 'router-container' },
      ]),
    };
  }
  const index = placed.findIndex((p) => tgiRelease(p) === release.name);
  if (index < 0) return undefined;
  const p = placed[index];
  return {
    ...base,
    timing: releaseTiming('tgi', [p], cache),
    engine: 'tgi',
    images: [pulled(inference.images.tgi)],
    engines: [
      engine(p, 'tgi', name, {
        '--num-shard': String(p.placement.tensorParallelSize),
        '--max-total-tokens': String(p.placement.maxModelLen),
        ...(p.placement.quantization
          ? { '--quantize': p.placement.quantization }
          : { '--dtype': p.placement.dtype }),
      }),
    ],
    endpointPorts: [TGI_FIRST_PORT + index],
    forbiddenSelectorKeys: [],
    roles: [],
    apiKey: apiKey('API_KEY', [{ deployment: name, container: 'tgi' }]),
  };
}

/**
 * What the compute-classes release must render: a class per GPU pool whose priorities are its capacity options
 * (from config, not from the generated values), and the gke-gpu node pools those priorities name.
 */
function computeClassesExpectation(config: EnvironmentConfig, gkeFile?: string): ComputeClassesExpectation {
  const autopilot = config.gke?.mode === 'autopilot';
  const tf = gkeFile ? JSON.parse(fs.readFileSync(gkeFile, 'utf8')) : {};
  const pools = Object.values((tf.resource?.google_container_node_pool ?? {}) as Record<string, Any>);
  const nodePools = Object.fromEntries(
    pools.map((p) => {
      const nodeConfig = [p.node_config].flat()[0] ?? {};
      return [p.name, { labels: nodeConfig.labels ?? {}, taints: nodeConfig.taint ?? [] }];
    }),
  );
  const classes = gpuPoolsOf(config.gke).map((pool) => ({
    name: pool.name,
    nodePoolAutoCreation: autopilot,
    priorities: pool.capacity.map((o) =>
      autopilot
        ? {
            machineType: o.machineType,
            gpu: { type: GPUS[o.gpu].acceleratorType, count: o.gpuCount, driverVersion: 'latest' },
            ...(o.provisioning === 'flex-start'
              ? { flexStart: { enabled: true } }
              : { spot: o.provisioning === 'spot' }),
            ...(o.config.reservation
              ? {
                  reservations: {
                    affinity: 'Specific',
                    specific: [
                      {
                        name: o.config.reservation,
                        ...(o.config.reservationProject ? { project: o.config.reservationProject } : {}),
                      },
                    ],
                  },
                }
              : {}),
          }
        : { nodepools: [o.nodePoolName] },
    ),
  }));
  return { classes, nodePools, minPriorities: MIN_CAPACITY_OPTIONS };
}

interface CheckResult {
  readonly ok: boolean;
  readonly summary: string;
  readonly failures: string[];
}

/** The release's post-renderer as `helm template` flags; Helm runs it from the stack directory, as Terraform does. */
function postRendererArgs(release: HelmRelease): string[] {
  if (!release.postrender) return [];
  return [
    '--post-renderer',
    release.postrender.binary_path,
    ...(release.postrender.args ?? []).flatMap((a) => ['--post-renderer-args', a]),
  ];
}

/** Lints, renders (post-renderer included: what Helm installs), schema-checks and asserts one release. */
function checkRelease(
  tools: { helm: string; kubeValidate: string },
  chart: string,
  name: string,
  namespace: string,
  helmArgs: string[],
  release: { readonly postRenderer: string[]; readonly stackDir: string },
  assert: ((objects: K8sObject[]) => { count: number; failures: string[] }) | undefined,
  work: string,
): CheckResult {
  const fail = (failures: string[]) => ({ ok: false, summary: 'FAILED', failures });
  const kube = ['--namespace', namespace, '--kube-version', KUBERNETES_VERSION];
  const lint = run(tools.helm, ['lint', '--strict', chart, ...helmArgs, ...kube]);
  if (!lint.ok) return fail(['helm lint --strict failed:', indent(lint.output)]);
  const template = run(
    tools.helm,
    ['template', name, chart, ...helmArgs, ...release.postRenderer, ...kube],
    release.stackDir,
  );
  if (!template.ok) return fail(['helm template failed:', indent(template.output)]);

  const objects = parseAllDocuments(template.stdout)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((d): d is K8sObject => d !== null);
  const builtIn = objects.filter((d) => !CRD_KINDS[`${d.apiVersion} ${d.kind}`]);
  const manifests = path.join(work, `${name}-${process.hrtime.bigint()}.yaml`);
  fs.writeFileSync(manifests, builtIn.map((d) => stringifyYaml(d)).join('---\n'));
  const validate = run(tools.kubeValidate, ['--strict', '--quiet', '-k', KUBERNETES_VERSION, manifests]);
  // --quiet prints only findings; warnings (deprecated APIs, for example) count as findings too.
  if (!validate.ok || validate.output !== '') {
    return fail([`kubernetes-validate --strict -k ${KUBERNETES_VERSION} failed:`, indent(validate.output)]);
  }
  const crds = objects.length - builtIn.length;
  const asserted = assert ? assert(objects) : { count: 0, failures: [] };
  const summary = `lint ok, ${release.postRenderer.length > 0 ? 'post-rendered, ' : ''}${objects.length} objects, ${builtIn.length} schema-valid (${crds} CRD objects unchecked), ${asserted.count} assertions`;
  return asserted.failures.length > 0
    ? { ok: false, summary: `${summary}: FAILED`, failures: asserted.failures }
    : { ok: true, summary: `ok: ${summary}`, failures: [] };
}

/** Every environment, plus the default environment at each tier with inference that no environment uses. */
function targets(): Target[] | undefined {
  const envs = synthAllOrReport(OUT_ROOT, 'check-charts');
  if (!envs) return undefined;
  const inferenceFile = (stacks: { id: string; file: string }[]) =>
    stacks.find((s) => s.id === 'inference')?.file;
  const gkeFile = (stacks: { id: string; file: string }[]) => stacks.find((s) => s.id === 'gke-gpu')?.file;
  const list: Target[] = envs.map((e) => ({
    label: e.env,
    config: e.config,
    inferenceFile: inferenceFile(e.stacks),
    gkeFile: gkeFile(e.stacks),
  }));
  for (const tier of TIERS) {
    if (envs.some((e) => e.env === DEFAULT_ENV && e.config.tier === tier)) continue;
    const { config } = loadEnvironment(DEFAULT_ENV, { tier });
    if (!config.stacks.includes('inference')) continue;
    const label = `${DEFAULT_ENV}@${tier}`;
    const stacks = synthesize(config, path.join(OUT_ROOT, label));
    list.push({ label, config, inferenceFile: inferenceFile(stacks), gkeFile: gkeFile(stacks) });
  }
  return list;
}

function main(): number {
  const started = Date.now();
  let tools: { helm: string; kubeValidate: string };
  try {
    tools = {
      helm: tool('helm.sh'),
      kubeValidate: path.join(tool('python-tools.sh'), 'kubernetes-validate'),
    };
  } catch {
    console.error('check-charts: installing helm or kubernetes-validate failed (see above)');
    return 1;
  }
  const list = targets();
  if (!list) return 1;

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'afpi-charts-'));
  const placeholders = new Map<string, string>();
  let failed = 0;
  let checked = 0;
  let renamedChecked = false;
  try {
    for (const t of list) {
      const label = t.label.padEnd(15);
      if (!t.inferenceFile) {
        console.log(`${label} no inference stack (tier ${t.config.tier}): nothing to check`);
        continue;
      }
      const stackDir = path.dirname(t.inferenceFile);
      const tf = JSON.parse(fs.readFileSync(t.inferenceFile, 'utf8'));
      const refs = new References(tf.resource ?? {}, placeholders);
      const releases = Object.values((tf.resource?.helm_release ?? {}) as Record<string, HelmRelease>);
      for (const r of releases) {
        let chart: string;
        let chartLabel: string;
        let forbidden: string[] = [];
        if (r.repository) {
          if (r.chart !== VLLM_CHART) {
            console.log(
              `${label} ${r.name}: upstream chart ${r.chart} from ${r.repository}: no package to check`,
            );
            continue;
          }
          chart = chartPackage(r.chart, r.version!);
          chartLabel = `${r.chart} ${r.version}`;
          forbidden = chartDefaultLabelKeys(tools.helm, chart);
        } else {
          const chartName = (
            parseYaml(fs.readFileSync(path.join(stackDir, r.chart, 'Chart.yaml'), 'utf8')) as { name: string }
          ).name;
          chart = path.join(repoRoot, 'charts', chartName);
          if (!fs.existsSync(chart)) throw new Error(`${r.name}: chart "${chartName}" is not under charts/`);
          chartLabel = `charts/${chartName}`;
        }
        // One -f file per values document, then the set entries: the order Helm (and the provider) merge them in.
        const helmArgs = [
          ...(r.values ?? []).flatMap((v, i) => {
            const file = path.join(work, `${t.label}-${r.name}.values-${i}.yaml`);
            fs.writeFileSync(file, stringifyYaml(refs.replaceIn(parseYaml(v))));
            return ['-f', file];
          }),
          ...(r.set ?? []).flatMap((s) => [
            s.type === 'string' ? '--set-string' : '--set',
            `${s.name}=${refs.replace(String(s.value))}`,
          ]),
        ];
        const namespace = refs.replace(r.namespace ?? 'default');
        const names: string[] =
          r.chart === VLLM_CHART && !renamedChecked ? [r.name, RENAMED_RELEASE] : [r.name];
        renamedChecked ||= names.length > 1;
        const classes =
          r.name === COMPUTE_CLASSES_RELEASE ? computeClassesExpectation(t.config, t.gkeFile) : undefined;
        for (const name of names) {
          const expected = expectationOf(t.config, r, name, forbidden);
          const assert = classes
            ? (objects: K8sObject[]) => assertComputeClasses(objects, classes)
            : expected
              ? (objects: K8sObject[]) => assertRelease(objects, expected)
              : undefined;
          const result = checkRelease(
            tools,
            chart,
            name,
            namespace,
            helmArgs,
            { postRenderer: postRendererArgs(r), stackDir },
            assert,
            work,
          );
          checked++;
          const renamed = name === r.name ? '' : ` renamed to ${name}`;
          console.log(`${label} ${r.name}${renamed} (${chartLabel}): ${result.summary}`);
          for (const line of result.failures) console.log(`    ${line}`);
          if (!result.ok) failed++;
        }
      }
    }
  } catch (err) {
    console.error(`check-charts: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (placeholders.size > 0) {
    console.log('Terraform references without a literal in the stack were replaced by placeholders:');
    for (const [ref, value] of placeholders) console.log(`    ${value.padEnd(14)} \${${ref}}`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`chart checks: ${checked - failed} ok, ${failed} failed, ${seconds} s`);
  return failed > 0 || checked === 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
