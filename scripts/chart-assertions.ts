/**
 * What `npm run check:charts` asserts on a rendered release: what we mean to set, from config and the catalogs
 * (not from the values we generated, so a values bug cannot hide itself). Each assertion returns its failures as
 * `<Kind> <name> <field>: <problem>`; adding one is adding an entry to ASSERTIONS.
 */
import { COMPUTE_CLASS_KEY } from '../catalog/gpus';
import { Engine } from '../config/sections/inference';
import { TimingBudget } from '../inference/timing-budget';

/** A rendered Kubernetes object (only the fields the assertions read are typed). */
export interface K8sObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: {
    readonly name?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly spec?: any;
  /** RBAC rules (Role, ClusterRole). */
  readonly rules?: readonly { readonly resources?: string[]; readonly verbs?: string[] }[];
}

/**
 * How engine Deployments roll: each replica takes a whole GPU node and pools are sized for the autoscalers'
 * maxReplicas, so a surge pod may never schedule (review 15, finding 2). One pod is replaced at a time instead.
 */
export const ENGINE_ROLLING_UPDATE = { maxSurge: 0, maxUnavailable: 1 };

/** One model server Deployment of the release and what it must run. */
export interface EngineExpectation {
  readonly deployment: string;
  readonly container: string;
  readonly image: string;
  readonly gpuCount: number;
  /** Accelerator labels of every shape the pool's compute class may give it, first choice first. */
  readonly acceleratorLabels: readonly string[];
  /** Custom compute class of the model's pool (charts/compute-classes), selected and tolerated. */
  readonly computeClass: string;
  readonly cpu: number;
  readonly memoryGiB: number;
  readonly shmGiB: number;
  /** Flag -> value the engine's command line must carry (e.g. `--tensor-parallel-size` -> `2`); null: must not. */
  readonly args: Readonly<Record<string, string | null>>;
  /** Model id or path the engine loads. */
  readonly modelSource: string;
  readonly modelCache: 'gcsfuse' | 'pvc';
  readonly serviceAccountName: string;
  readonly minReplicas: number;
  readonly maxReplicas: number;
  /** Seconds the model needs to start (checkpoint / read throughput + engine init): the probes must allow them. */
  readonly startupSeconds: number;
  /** gcsfuse: marker file an init container must wait for, and the file cache on the node's disk. */
  readonly weights?: {
    readonly markerPath: string;
    readonly fileCacheMiB: number;
  };
}

/** One model-sync Job the release must render, from config. */
export interface ModelSyncJobExpectation {
  readonly model: string;
  readonly huggingFaceId: string;
  readonly image: string;
  readonly serviceAccountName: string;
  readonly marker: string;
  readonly activeDeadlineSeconds: number;
  /** Largest file the Job may copy (catalog MAX_CHECKPOINT_FILE_GB). */
  readonly maxFileBytes: number;
  /** The sync container's ephemeral-storage request and limit (the pod's disk budget), GiB. */
  readonly ephemeralStorageGiB: number;
}

export interface ReleaseExpectation {
  readonly release: string;
  readonly engine: Engine;
  /** Every image the release may run (engine, router). */
  readonly images: readonly string[];
  readonly engines: readonly EngineExpectation[];
  /** The engines' budget; a release of Jobs (model-sync) has none: its Helm timeout is modelSyncHelmTimeoutSeconds. */
  readonly timing?: TimingBudget;
  /** helm_release `timeout` of the synthesized release. */
  readonly helmTimeoutSeconds: number;
  /** Ports of the internal load balancer Service (the endpoint Cloud Run calls). */
  readonly endpointPorts: readonly number[];
  /** Label keys of the chart's defaults that must not reach any selector (vllm-stack: environment, release). */
  readonly forbiddenSelectorKeys: readonly string[];
  /** Roles the release must render, each without the verbs listed (vllm-stack's router Role: no `patch`). */
  readonly roles: readonly { readonly name: string; readonly forbiddenVerbs: readonly string[] }[];
  /** The API key: containers that must read env `env` from the Kubernetes Secret `secretName`/`secretKey`. */
  readonly apiKey: {
    readonly env: string;
    readonly secretName: string;
    readonly secretKey: string;
    readonly containers: readonly { readonly deployment: string; readonly container: string }[];
  };
  /** UID every container of the release runs as (non-root, read-only root filesystem, HOME on an emptyDir). */
  readonly runAsUser: number;
  /** Jobs of the model-sync release (none for an engine release). */
  readonly modelSyncJobs: readonly ModelSyncJobExpectation[];
  /** helm_release timeout the model-sync release must have (it waits for its Jobs). @default none */
  readonly modelSyncHelmTimeoutSeconds?: number;
}

export interface Assertion {
  readonly name: string;
  check(objects: readonly K8sObject[], expected: ReleaseExpectation): string[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;

const ofKind = (objects: readonly K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);
const nameOf = (o: K8sObject) => `${o.kind} ${o.metadata?.name}`;
const show = (value: unknown) => (value === undefined ? 'absent' : JSON.stringify(value));

/** Whether `selector` (matchLabels or a Service selector) selects pods with `labels`. */
function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

const podLabels = (d: K8sObject): Record<string, string> => d.spec?.template?.metadata?.labels ?? {};
/** Containers and init containers of a workload's pod template. */
const allContainers = (d: K8sObject): Any[] => [
  ...(d.spec?.template?.spec?.initContainers ?? []),
  ...(d.spec?.template?.spec?.containers ?? []),
];
const GCSFUSE_DRIVER = 'gcsfuse.csi.storage.gke.io';

function container(d: K8sObject, name: string): Any {
  return (d.spec?.template?.spec?.containers ?? []).find((c: Any) => c.name === name);
}

/** For each expected engine: its Deployment and container, or a failure. */
function eachEngine(
  objects: readonly K8sObject[],
  expected: ReleaseExpectation,
  check: (d: K8sObject, c: Any, e: EngineExpectation, at: (field: string) => string) => string[],
): string[] {
  return expected.engines.flatMap((e) => {
    const d = ofKind(objects, 'Deployment').find((o) => o.metadata?.name === e.deployment);
    if (!d) return [`Deployment ${e.deployment}: not rendered`];
    const c = container(d, e.container);
    if (!c)
      return [`Deployment ${e.deployment} .spec.template.spec.containers: no container "${e.container}"`];
    return check(d, c, e, (field) => `Deployment ${e.deployment} ${field}`);
  });
}

function expectEqual(at: string, actual: unknown, wanted: unknown): string[] {
  return JSON.stringify(actual) === JSON.stringify(wanted)
    ? []
    : [`${at}: expected ${show(wanted)}, got ${show(actual)}`];
}

/** The command line of a container (command + args), as one list. */
const commandLine = (c: Any): string[] => [...(c.command ?? []), ...(c.args ?? [])].map(String);

function selectorsOf(o: K8sObject): [string, Record<string, string> | undefined][] {
  switch (o.kind) {
    case 'Deployment':
      return [
        ['.spec.selector.matchLabels', o.spec?.selector?.matchLabels],
        ['.spec.template.metadata.labels', podLabels(o)],
      ];
    case 'Service':
      return [['.spec.selector', o.spec?.selector]];
    case 'PodDisruptionBudget':
      return [['.spec.selector.matchLabels', o.spec?.selector?.matchLabels]];
    case 'NetworkPolicy':
      return [['.spec.podSelector.matchLabels', o.spec?.podSelector?.matchLabels]];
    default:
      return [];
  }
}

export const ASSERTIONS: readonly Assertion[] = [
  {
    name: 'images pinned to the configured releases (init containers and Jobs too)',
    check: (objects, expected) =>
      [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')].flatMap((d) =>
        allContainers(d).flatMap((c: Any) =>
          expected.images.includes(c.image)
            ? []
            : [
                `${nameOf(d)} .containers[${c.name}].image: ${show(c.image)} is not one of ${expected.images.join(', ')}`,
              ],
        ),
      ),
  },
  {
    name: 'engine image',
    check: (objects, expected) =>
      eachEngine(objects, expected, (_d, c, e, at) =>
        expectEqual(at(`.containers[${e.container}].image`), c.image, e.image),
      ),
  },
  {
    name: 'GPU requests and limits = GPUs per node',
    check: (objects, expected) =>
      eachEngine(objects, expected, (_d, c, e, at) => [
        ...expectEqual(
          at('.resources.requests["nvidia.com/gpu"]'),
          String(c.resources?.requests?.['nvidia.com/gpu']),
          String(e.gpuCount),
        ),
        ...expectEqual(
          at('.resources.limits["nvidia.com/gpu"]'),
          String(c.resources?.limits?.['nvidia.com/gpu']),
          String(e.gpuCount),
        ),
      ]),
  },
  {
    name: 'CPU and memory requests, memory limit (node fit)',
    check: (objects, expected) =>
      eachEngine(objects, expected, (_d, c, e, at) => [
        ...expectEqual(at('.resources.requests.cpu'), String(c.resources?.requests?.cpu), String(e.cpu)),
        ...expectEqual(at('.resources.requests.memory'), c.resources?.requests?.memory, `${e.memoryGiB}Gi`),
        ...expectEqual(at('.resources.limits.memory'), c.resources?.limits?.memory, `${e.memoryGiB}Gi`),
      ]),
  },
  {
    name: 'GPU toleration',
    check: (objects, expected) =>
      eachEngine(objects, expected, (d, _c, _e, at) => {
        const ok = (d.spec?.template?.spec?.tolerations ?? []).some(
          (t: Any) => t.key === 'nvidia.com/gpu' && t.operator === 'Exists' && t.effect === 'NoSchedule',
        );
        return ok
          ? []
          : [`${at('.spec.template.spec.tolerations')}: no nvidia.com/gpu Exists NoSchedule toleration`];
      }),
  },
  {
    name: 'accelerator node selection',
    check: (objects, expected) =>
      eachEngine(objects, expected, (d, _c, e, at) => {
        const spec = d.spec?.template?.spec ?? {};
        const selector = spec.nodeSelector?.['cloud.google.com/gke-accelerator'];
        // A class spanning GPUs may be selected by the class alone ('compute class selection' checks it).
        const bySelector =
          selector === undefined
            ? e.acceleratorLabels.length > 1
            : [selector].join() === e.acceleratorLabels.join();
        const terms =
          spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ??
          [];
        const byAffinity =
          terms.length > 0 &&
          terms.every((t: Any) =>
            (t.matchExpressions ?? []).some(
              (m: Any) =>
                m.key === 'cloud.google.com/gke-accelerator' &&
                m.operator === 'In' &&
                JSON.stringify(m.values) === JSON.stringify(e.acceleratorLabels),
            ),
          );
        return bySelector || byAffinity
          ? []
          : [
              `${at('.spec.template.spec.affinity/nodeSelector')}: does not require cloud.google.com/gke-accelerator in ${e.acceleratorLabels.join(', ')}`,
            ];
      }),
  },
  {
    name: 'compute class selection and toleration',
    check: (objects, expected) =>
      eachEngine(objects, expected, (d, _c, e, at) => {
        const spec = d.spec?.template?.spec ?? {};
        const terms =
          spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ??
          [];
        const selected =
          spec.nodeSelector?.[COMPUTE_CLASS_KEY] === e.computeClass ||
          (terms.length > 0 &&
            terms.every((t: Any) =>
              (t.matchExpressions ?? []).some(
                (m: Any) =>
                  m.key === COMPUTE_CLASS_KEY && m.operator === 'In' && m.values?.join() === e.computeClass,
              ),
            ));
        const tolerated = (spec.tolerations ?? []).some(
          (t: Any) =>
            t.key === COMPUTE_CLASS_KEY &&
            t.effect === 'NoSchedule' &&
            (t.operator === 'Exists' || t.value === e.computeClass),
        );
        return [
          ...(selected
            ? []
            : [`${at('.spec.template.spec')}: does not select ${COMPUTE_CLASS_KEY}=${e.computeClass}`]),
          ...(tolerated
            ? []
            : [
                `${at('.spec.template.spec.tolerations')}: does not tolerate the ${e.computeClass} class taint`,
              ]),
        ];
      }),
  },
  {
    name: 'no runtimeClassName',
    check: (objects) =>
      ofKind(objects, 'Deployment').flatMap((d) =>
        d.spec?.template?.spec?.runtimeClassName === undefined
          ? []
          : [
              `${nameOf(d)} .spec.template.spec.runtimeClassName: expected absent (GKE has none), got ${show(d.spec.template.spec.runtimeClassName)}`,
            ],
      ),
  },
  {
    name: 'engine arguments from the fit rule',
    check: (objects, expected) =>
      eachEngine(objects, expected, (_d, c, e, at) => {
        const line = commandLine(c);
        const failures = Object.entries(e.args).flatMap(([flag, value]) => {
          const i = line.indexOf(flag);
          if (value === null)
            return i < 0 ? [] : [`${at('.command/args')}: expected no ${flag}, got ${flag} ${line[i + 1]}`];
          return i >= 0 && line[i + 1] === value
            ? []
            : [
                `${at('.command/args')}: expected ${flag} ${value}, got ${i >= 0 ? show(line[i + 1]) : 'absent'}`,
              ];
        });
        return line.includes(e.modelSource)
          ? failures
          : [...failures, `${at('.command/args')}: model ${show(e.modelSource)} is not loaded`];
      }),
  },
  {
    name: '/dev/shm in memory',
    check: (objects, expected) =>
      eachEngine(objects, expected, (d, c, e, at) => {
        const mount = (c.volumeMounts ?? []).find((m: Any) => m.mountPath === '/dev/shm');
        const volume = (d.spec?.template?.spec?.volumes ?? []).find((v: Any) => v.name === mount?.name);
        if (!volume) return [`${at('.volumeMounts')}: nothing mounted at /dev/shm`];
        return expectEqual(at(`.volumes[${volume.name}].emptyDir`), volume.emptyDir, {
          medium: 'Memory',
          sizeLimit: `${e.shmGiB}Gi`,
        });
      }),
  },
  {
    name: 'model cache volume',
    check: (objects, expected) =>
      eachEngine(objects, expected, (d, c, e, at) => {
        const volumes: Any[] = d.spec?.template?.spec?.volumes ?? [];
        const mounted = (name: string) => (c.volumeMounts ?? []).some((m: Any) => m.name === name);
        if (e.modelCache === 'gcsfuse') {
          const v = volumes.find((x) => x.csi?.driver === 'gcsfuse.csi.storage.gke.io');
          const annotations = d.spec?.template?.metadata?.annotations ?? {};
          return [
            ...(v && v.csi.readOnly === true && mounted(v.name)
              ? []
              : [`${at('.volumes')}: no read-only GCS FUSE volume mounted`]),
            ...expectEqual(
              at('.template.metadata.annotations["gke-gcsfuse/volumes"]'),
              annotations['gke-gcsfuse/volumes'],
              'true',
            ),
            ...['cpu-request', 'memory-request', 'ephemeral-storage-request'].flatMap((k) =>
              annotations[`gke-gcsfuse/${k}`]
                ? []
                : [
                    `${at(`.template.metadata.annotations["gke-gcsfuse/${k}"]`)}: absent (GKE's default sidecar request stays)`,
                  ],
            ),
          ];
        }
        const v = volumes.find((x) => x.persistentVolumeClaim);
        return v && mounted(v.name)
          ? []
          : [`${at('.volumes')}: no model cache PersistentVolumeClaim mounted`];
      }),
  },
  {
    name: 'probes from the timing budget, with timeouts',
    check: (objects, expected) =>
      eachEngine(objects, expected, (_d, c, _e, at) => {
        const startup = c.startupProbe ?? {};
        const wanted = expected.timing!.startupProbe;
        return [
          ...(Object.keys(wanted) as (keyof typeof wanted)[]).flatMap((k) =>
            expectEqual(at(`.startupProbe.${k}`), startup[k], wanted[k]),
          ),
          ...['readinessProbe', 'livenessProbe'].flatMap((p) =>
            c[p]
              ? c[p].timeoutSeconds > 1
                ? []
                : [
                    `${at(`.${p}.timeoutSeconds`)}: ${show(c[p].timeoutSeconds)}, a busy engine needs more than 1 s`,
                  ]
              : [`${at(`.${p}`)}: absent`],
          ),
        ];
      }),
  },
  {
    name: "startup probe covers the model's budget (failureThreshold x periodSeconds), liveness waits for it",
    check: (objects, expected) =>
      eachEngine(objects, expected, (_d, c, e, at) => {
        const p = c.startupProbe;
        if (!p || !c.livenessProbe) return [`${at('.startupProbe/.livenessProbe')}: both must be set`];
        return p.failureThreshold * p.periodSeconds >= e.startupSeconds
          ? []
          : [
              `${at('.startupProbe')}: failureThreshold ${p.failureThreshold} x periodSeconds ${p.periodSeconds} < ${e.startupSeconds} s the model needs to load`,
            ];
      }),
  },
  {
    name: 'engines wait for their weights (init container on the model-sync marker)',
    check: (objects, expected) =>
      eachEngine(objects, expected, (d, _c, e, at) => {
        if (!e.weights) return [];
        const volumes: Any[] = d.spec?.template?.spec?.volumes ?? [];
        const fuse = volumes.find((v) => v.csi?.driver === GCSFUSE_DRIVER)?.name;
        const waits = (d.spec?.template?.spec?.initContainers ?? []).filter(
          (c: Any) =>
            commandLine(c).some((arg) => arg.includes(e.weights!.markerPath)) &&
            (c.volumeMounts ?? []).some((m: Any) => m.name === fuse && m.mountPath === '/models'),
        );
        return waits.length === 1
          ? []
          : [
              `${at('.spec.template.spec.initContainers')}: no init container waits for ${e.weights.markerPath} on the GCS FUSE volume`,
            ];
      }),
  },
  {
    name: 'GCS FUSE file cache sized to the node disk, parallel downloads on',
    check: (objects, expected) =>
      eachEngine(objects, expected, (d, _c, e, at) => {
        if (!e.weights) return [];
        const volumes: Any[] = d.spec?.template?.spec?.volumes ?? [];
        const options = String(
          volumes.find((v) => v.csi?.driver === GCSFUSE_DRIVER)?.csi?.volumeAttributes?.mountOptions ?? '',
        ).split(',');
        const cache = volumes.find((v) => v.name === 'gke-gcsfuse-cache');
        const limitGiB = Number(/^(\d+)Gi$/.exec(cache?.emptyDir?.sizeLimit ?? '')?.[1] ?? NaN);
        return [
          ...[`file-cache:max-size-mb:${e.weights.fileCacheMiB}`, 'file-cache:enable-parallel-downloads:true']
            .filter((o) => !options.includes(o))
            .map((o) => `${at('.volumes[GCS FUSE].mountOptions')}: no ${o} in ${show(options.join(','))}`),
          ...(limitGiB * 1024 >= e.weights.fileCacheMiB
            ? []
            : [
                `${at('.volumes[gke-gcsfuse-cache]')}: sizeLimit ${show(cache?.emptyDir?.sizeLimit)} cannot hold the ${e.weights.fileCacheMiB} MiB cache`,
              ]),
        ];
      }),
  },
  {
    name: 'model-sync Jobs: one per model, CPU nodes, restricted pod security, token and bucket by identity',
    check: (objects, expected) => {
      const jobs = ofKind(objects, 'Job');
      const timeout =
        expected.modelSyncHelmTimeoutSeconds === undefined
          ? []
          : expectEqual(
              'helm_release timeout',
              expected.helmTimeoutSeconds,
              expected.modelSyncHelmTimeoutSeconds,
            );
      const classes = ofKind(objects, 'SecretProviderClass').map((o) => o.metadata?.name);
      return [
        ...timeout,
        ...expected.modelSyncJobs.flatMap((want) => {
          const job = jobs.find((j) => j.metadata?.labels?.['afpi.dev/model'] === want.model);
          if (!job) return [`Job for model ${want.model}: not rendered`];
          const at = (field: string) => `${nameOf(job)} ${field}`;
          const pod = job.spec?.template?.spec ?? {};
          const c = (pod.containers ?? [])[0] ?? {};
          const env = Object.fromEntries((c.env ?? []).map((v: Any) => [v.name, v.value]));
          const volumes: Any[] = pod.volumes ?? [];
          const fuse = volumes.find((v) => v.csi?.driver === GCSFUSE_DRIVER);
          const token = volumes.find((v) => v.csi?.driver === 'secrets-store-gke.csi.k8s.io');
          const cpuOnly = (
            pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ??
            []
          ).every((t: Any) =>
            (t.matchExpressions ?? []).some(
              (m: Any) => m.key === 'cloud.google.com/gke-accelerator' && m.operator === 'DoesNotExist',
            ),
          );
          const disk = `${want.ephemeralStorageGiB}Gi`;
          const mountOptions: string = fuse?.csi?.volumeAttributes?.mountOptions ?? '';
          return [
            // Helm truncates the model part to fit 63 characters, never the hash (charts/model-sync job.yaml).
            ...(new RegExp(`^${`model-sync-${want.model}`.slice(0, 54).replace(/-$/, '')}-[0-9a-f]{8}$`).test(
              job.metadata?.name ?? '',
            )
              ? []
              : [`${at('.metadata.name')}: not model-sync-${want.model}-<hash of 8>`]),
            ...expectEqual(at('env MAX_FILE_BYTES'), env.MAX_FILE_BYTES, String(want.maxFileBytes)),
            ...expectEqual(
              at('.containers[0].resources.requests.ephemeral-storage'),
              c.resources?.requests?.['ephemeral-storage'],
              disk,
            ),
            ...expectEqual(
              at('.containers[0].resources.limits.ephemeral-storage'),
              c.resources?.limits?.['ephemeral-storage'],
              disk,
            ),
            // At peak the pod holds the download and GCS FUSE's staged copy of the same file.
            ...(want.ephemeralStorageGiB * 2 ** 30 >= 2 * want.maxFileBytes
              ? []
              : [
                  `${at('.containers[0].resources.limits.ephemeral-storage')}: ${disk} cannot hold two copies of a ${want.maxFileBytes}-byte file`,
                ]),
            ...(mountOptions.split(',').includes('write:enable-streaming-writes:true')
              ? []
              : [
                  `${at('.volumes[GCS FUSE].mountOptions')}: no write:enable-streaming-writes:true in ${show(mountOptions)}`,
                ]),
            ...expectEqual(
              at('.spec.template.metadata.annotations[cluster-autoscaler.kubernetes.io/safe-to-evict]'),
              job.spec?.template?.metadata?.annotations?.['cluster-autoscaler.kubernetes.io/safe-to-evict'],
              'false',
            ),
            ...expectEqual(at('.containers[0].image'), c.image, want.image),
            ...expectEqual(at('env MODEL_ID'), env.MODEL_ID, want.huggingFaceId),
            ...expectEqual(at('env MARKER'), env.MARKER, want.marker),
            ...expectEqual(
              at('.spec.activeDeadlineSeconds'),
              job.spec?.activeDeadlineSeconds,
              want.activeDeadlineSeconds,
            ),
            ...expectEqual(
              at('.spec.template.spec.serviceAccountName'),
              pod.serviceAccountName,
              want.serviceAccountName,
            ),
            ...expectEqual(at('.spec.template.spec.restartPolicy'), pod.restartPolicy, 'Never'),
            ...expectEqual(at('.securityContext.runAsNonRoot'), pod.securityContext?.runAsNonRoot, true),
            ...expectEqual(at('.securityContext.seccompProfile'), pod.securityContext?.seccompProfile, {
              type: 'RuntimeDefault',
            }),
            ...expectEqual(at('.containers[0].securityContext'), c.securityContext, {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              runAsNonRoot: true,
              capabilities: { drop: ['ALL'] },
            }),
            ...(cpuOnly && pod.affinity ? [] : [`${at('.affinity')}: not kept off GPU nodes`]),
            ...((pod.tolerations ?? []).some((t: Any) => t.key === 'nvidia.com/gpu')
              ? [`${at('.tolerations')}: tolerates GPU nodes`]
              : []),
            ...(fuse &&
            fuse.csi.readOnly !== true &&
            (c.volumeMounts ?? []).some((m: Any) => m.name === fuse.name)
              ? []
              : [`${at('.volumes')}: no writable GCS FUSE volume mounted`]),
            ...(token && classes.includes(token.csi.volumeAttributes?.secretProviderClass)
              ? []
              : [`${at('.volumes')}: no hf-token volume from a SecretProviderClass of the release`]),
          ];
        }),
      ];
    },
  },
  {
    name: 'Helm timeout >= pre-start allowance + startup window, > progress deadline (one budget)',
    check: (objects, expected) => {
      const { timing } = expected;
      if (!timing) return [];
      return [
        ...expectEqual('helm_release timeout', expected.helmTimeoutSeconds, timing.helmTimeoutSeconds),
        ...(expected.helmTimeoutSeconds >= timing.preStartSeconds + timing.startupWindowSeconds &&
        expected.helmTimeoutSeconds > timing.progressDeadlineSeconds
          ? []
          : [
              `timing budget: helm timeout ${expected.helmTimeoutSeconds} >= pre-start ${timing.preStartSeconds} + startup window ${timing.startupWindowSeconds}, > progress deadline ${timing.progressDeadlineSeconds} does not hold`,
            ]),
        ...eachEngine(objects, expected, (d, _c, _e, at) =>
          expectEqual(
            at('.spec.progressDeadlineSeconds'),
            d.spec?.progressDeadlineSeconds,
            timing.progressDeadlineSeconds,
          ),
        ),
      ];
    },
  },
  {
    name: 'engine service account',
    check: (objects, expected) =>
      eachEngine(objects, expected, (d, _c, e, at) =>
        expectEqual(
          at('.spec.template.spec.serviceAccountName'),
          d.spec?.template?.spec?.serviceAccountName,
          e.serviceAccountName,
        ),
      ),
  },
  {
    name: 'selectors free of chart defaults',
    check: (objects, expected) => [
      ...objects.flatMap((o) =>
        selectorsOf(o).flatMap(([field, labels]) =>
          expected.forbiddenSelectorKeys
            .filter((k) => labels && k in labels)
            .map((k) => `${nameOf(o)} ${field}: chart default label "${k}: ${labels![k]}"`),
        ),
      ),
      ...ofKind(objects, 'Deployment').flatMap((d) =>
        (d.spec?.template?.spec?.containers ?? []).flatMap((c: Any) => {
          const line = commandLine(c);
          const i = line.indexOf('--k8s-label-selector');
          const selector = i >= 0 ? line[i + 1] : '';
          return expected.forbiddenSelectorKeys
            .filter((k) => selector.split(',').some((term) => term.startsWith(`${k}=`)))
            .map(
              (k) =>
                `${nameOf(d)} .containers[${c.name}] --k8s-label-selector: chart default label "${k}" in ${selector}`,
            );
        }),
      ),
    ],
  },
  {
    name: 'Services select pods and name their ports',
    check: (objects) => {
      const deployments = ofKind(objects, 'Deployment');
      return ofKind(objects, 'Service').flatMap((s) => {
        const targets = deployments.filter((d) => selects(s.spec?.selector, podLabels(d)));
        if (targets.length === 0) return [`${nameOf(s)} .spec.selector: selects no pod of the release`];
        const ports = targets.flatMap((d) =>
          (d.spec.template.spec.containers ?? []).flatMap((c: Any) =>
            (c.ports ?? []).flatMap((p: Any) => [p.name, p.containerPort]),
          ),
        );
        return (s.spec.ports ?? []).flatMap((p: Any) =>
          ports.includes(p.targetPort ?? p.port)
            ? []
            : [`${nameOf(s)} .spec.ports[${p.name}].targetPort: ${show(p.targetPort)} is no container port`],
        );
      });
    },
  },
  {
    name: 'internal endpoint',
    check: (objects, expected) =>
      expected.endpointPorts.flatMap((port) =>
        ofKind(objects, 'Service').some(
          (s) => s.spec?.type === 'LoadBalancer' && (s.spec.ports ?? []).some((p: Any) => p.port === port),
        )
          ? []
          : [`Service: no LoadBalancer Service on port ${port}`],
      ),
  },
  {
    name: 'every Deployment covered by a PDB, every PDB selects one',
    check: (objects) => {
      const deployments = ofKind(objects, 'Deployment');
      const pdbs = ofKind(objects, 'PodDisruptionBudget');
      return [
        ...deployments
          .filter((d) => !pdbs.some((p) => selects(p.spec?.selector?.matchLabels, podLabels(d))))
          .map((d) => `${nameOf(d)}: no PodDisruptionBudget selects its pods`),
        ...pdbs
          .filter((p) => !deployments.some((d) => selects(p.spec?.selector?.matchLabels, podLabels(d))))
          .map((p) => `${nameOf(p)} .spec.selector: selects no pod of the release`),
      ];
    },
  },
  {
    name: 'HPA targets exist in the same render, bounds from config',
    check: (objects, expected) => {
      const hpas = ofKind(objects, 'HorizontalPodAutoscaler');
      const deployments = ofKind(objects, 'Deployment').map((d) => d.metadata?.name);
      return [
        ...hpas.flatMap((h) => {
          const ref = h.spec?.scaleTargetRef ?? {};
          return ref.kind === 'Deployment' && deployments.includes(ref.name)
            ? []
            : [`${nameOf(h)} .spec.scaleTargetRef: ${ref.kind} ${ref.name} is not in the render`];
        }),
        ...expected.engines.flatMap((e) => {
          const h = hpas.find((x) => x.spec?.scaleTargetRef?.name === e.deployment);
          if (!h) return [`Deployment ${e.deployment}: no HorizontalPodAutoscaler targets it`];
          return [
            ...expectEqual(`${nameOf(h)} .spec.minReplicas`, h.spec.minReplicas, e.minReplicas),
            ...expectEqual(`${nameOf(h)} .spec.maxReplicas`, h.spec.maxReplicas, e.maxReplicas),
          ];
        }),
      ];
    },
  },
  {
    name: 'the HPA owns the engine replica count (no rendered replicas, no KEDA object)',
    check: (objects, expected) => [
      ...eachEngine(objects, expected, (d, _c, _e, at) =>
        d.spec?.replicas === undefined
          ? []
          : [
              `${at('.spec.replicas')}: ${show(d.spec.replicas)}, every helm upgrade would reset what the HPA scaled to`,
            ],
      ),
      ...ofKind(objects, 'ScaledObject').map(
        (o) => `${nameOf(o)}: KEDA object rendered (no KEDA in the cluster)`,
      ),
    ],
  },
  {
    name: 'engines roll without a surge node',
    check: (objects, expected) =>
      eachEngine(objects, expected, (d, _c, _e, at) => [
        ...expectEqual(at('.spec.strategy.type'), d.spec?.strategy?.type, 'RollingUpdate'),
        ...expectEqual(
          at('.spec.strategy.rollingUpdate'),
          d.spec?.strategy?.rollingUpdate,
          ENGINE_ROLLING_UPDATE,
        ),
      ]),
  },
  {
    name: 'Roles without forbidden verbs (post-renderer applied)',
    check: (objects, expected) =>
      expected.roles.flatMap((want) => {
        const role = ofKind(objects, 'Role').find((r) => r.metadata?.name === want.name);
        if (!role) return [`Role ${want.name}: not rendered`];
        return (role.rules ?? []).flatMap((rule, i) => {
          const bad = (rule.verbs ?? []).filter((v) => v === '*' || want.forbiddenVerbs.includes(v));
          return bad.length > 0
            ? [`Role ${want.name} .rules[${i}].verbs: ${show(bad)} granted on ${show(rule.resources)}`]
            : [];
        });
      }),
  },
  {
    name: 'API key from the Secret (engines, router)',
    check: (objects, expected) => {
      const { env, secretName, secretKey, containers } = expected.apiKey;
      return containers.flatMap(({ deployment, container: name }) => {
        const d = ofKind(objects, 'Deployment').find((o) => o.metadata?.name === deployment);
        const c = d && container(d, name);
        if (!c) return [`Deployment ${deployment} .containers[${name}]: not rendered`];
        const vars = (c.env ?? []).filter((e: Any) => e.name === env);
        return expectEqual(`Deployment ${deployment} .containers[${name}].env[${env}]`, vars, [
          { name: env, valueFrom: { secretKeyRef: { name: secretName, key: secretKey } } },
        ]);
      });
    },
  },
  {
    name: 'non-root, read-only root filesystem, HOME on an emptyDir',
    check: (objects, expected) =>
      ofKind(objects, 'Deployment').flatMap((d) => {
        const pod = d.spec?.template?.spec ?? {};
        const volumes: Any[] = pod.volumes ?? [];
        return (pod.containers ?? []).flatMap((c: Any) => {
          const at = (field: string) => `${nameOf(d)} .containers[${c.name}]${field}`;
          const sc = { ...(pod.securityContext ?? {}), ...(c.securityContext ?? {}) };
          const home = (c.env ?? []).find((e: Any) => e.name === 'HOME')?.value;
          const mount = (c.volumeMounts ?? []).find((m: Any) => m.mountPath === home);
          const scratch = volumes.find((v) => v.name === mount?.name)?.emptyDir;
          return [
            ...expectEqual(at('.securityContext.runAsNonRoot'), sc.runAsNonRoot, true),
            ...expectEqual(at('.securityContext.runAsUser'), sc.runAsUser, expected.runAsUser),
            ...expectEqual(at('.securityContext.readOnlyRootFilesystem'), sc.readOnlyRootFilesystem, true),
            ...expectEqual(
              at('.securityContext.allowPrivilegeEscalation'),
              sc.allowPrivilegeEscalation,
              false,
            ),
            ...(scratch
              ? []
              : [`${at('.env[HOME]')}: ${show(home)} is no mounted emptyDir (the root is read-only)`]),
          ];
        });
      }),
  },
  {
    name: 'NetworkPolicies select pods',
    check: (objects) => {
      const pods = ofKind(objects, 'Deployment').map(podLabels);
      return ofKind(objects, 'NetworkPolicy').flatMap((n) =>
        pods.some((labels) => selects(n.spec?.podSelector?.matchLabels, labels))
          ? []
          : [`${nameOf(n)} .spec.podSelector: selects no pod of the release`],
      );
    },
  },
];

/** One GKE custom compute class the compute-classes release must render, from config (gke.gpuPools). */
export interface ComputeClassExpectation {
  readonly name: string;
  /** Priority rules, first choice first (Standard: `{ nodepools: [<pool>] }`). */
  readonly priorities: readonly Record<string, unknown>[];
  /** Autopilot: true; Standard: false (the node pools are Terraform's). */
  readonly nodePoolAutoCreation: boolean;
}

/** A node pool of the synthesized gke-gpu stack: its Kubernetes labels and taints. */
export interface NodePoolFacts {
  readonly labels: Record<string, string>;
  readonly taints: readonly { readonly key: string; readonly value?: string; readonly effect: string }[];
}

export interface ComputeClassesExpectation {
  readonly classes: readonly ComputeClassExpectation[];
  /** Node pools of the gke-gpu stack by name (Standard), to prove each `nodepools` priority serves its class. */
  readonly nodePools: Readonly<Record<string, NodePoolFacts>>;
  /** Ways to get capacity each class must list (policy AFPI-K8S-8). */
  readonly minPriorities: number;
}

interface ComputeClassAssertion {
  readonly name: string;
  check(classes: readonly K8sObject[], expected: ComputeClassesExpectation): string[];
}

/** Per expected class, its rendered object (or a failure). */
function eachClass(
  objects: readonly K8sObject[],
  expected: ComputeClassesExpectation,
  check: (c: K8sObject, e: ComputeClassExpectation) => string[],
): string[] {
  return expected.classes.flatMap((e) => {
    const found = objects.find((o) => o.kind === 'ComputeClass' && o.metadata?.name === e.name);
    return found ? check(found, e) : [`ComputeClass ${e.name}: not rendered`];
  });
}

export const COMPUTE_CLASS_ASSERTIONS: readonly ComputeClassAssertion[] = [
  {
    name: 'one cloud.google.com/v1 ComputeClass per GPU pool, nothing else',
    check: (objects, expected) => {
      const want = expected.classes.map((c) => c.name).sort();
      const got = objects.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata?.name}`);
      const wantFull = want.map((n) => `cloud.google.com/v1 ComputeClass ${n}`);
      return JSON.stringify(got.sort()) === JSON.stringify(wantFull)
        ? []
        : [`rendered ${show(got)}, expected ${show(wantFull)}`];
    },
  },
  {
    name: 'priorities are the capacity options in order',
    check: (objects, expected) =>
      eachClass(objects, expected, (c, e) =>
        JSON.stringify(c.spec?.priorities) === JSON.stringify(e.priorities)
          ? []
          : [`${nameOf(c)} .spec.priorities: ${show(c.spec?.priorities)}, expected ${show(e.priorities)}`],
      ),
  },
  {
    name: 'at least two ways to get capacity',
    check: (objects, expected) =>
      eachClass(objects, expected, (c) =>
        (c.spec?.priorities ?? []).length >= expected.minPriorities
          ? []
          : [
              `${nameOf(c)} .spec.priorities: ${(c.spec?.priorities ?? []).length} < ${expected.minPriorities}`,
            ],
      ),
  },
  {
    name: 'nothing outside the list (DoNotScaleUp; auto-creation only on Autopilot)',
    check: (objects, expected) =>
      eachClass(objects, expected, (c, e) => [
        ...(c.spec?.whenUnsatisfiable === 'DoNotScaleUp'
          ? []
          : [
              `${nameOf(c)} .spec.whenUnsatisfiable: ${show(c.spec?.whenUnsatisfiable)}, expected "DoNotScaleUp"`,
            ]),
        ...(c.spec?.nodePoolAutoCreation?.enabled === e.nodePoolAutoCreation
          ? []
          : [
              `${nameOf(c)} .spec.nodePoolAutoCreation.enabled: ${show(c.spec?.nodePoolAutoCreation?.enabled)}, expected ${e.nodePoolAutoCreation}`,
            ]),
      ]),
  },
  {
    name: 'every nodepools priority is a node pool with the class label and NoSchedule taint',
    check: (objects, expected) =>
      eachClass(objects, expected, (c) =>
        (c.spec?.priorities ?? [])
          .flatMap((p: Any) => p.nodepools ?? [])
          .flatMap((pool: string) => {
            const facts = expected.nodePools[pool];
            const name = c.metadata?.name;
            if (!facts) return [`${nameOf(c)}: node pool ${pool} is not in the gke-gpu stack`];
            const labelled = facts.labels[COMPUTE_CLASS_KEY] === name;
            const tainted = facts.taints.some(
              (t) => t.key === COMPUTE_CLASS_KEY && t.value === name && t.effect === 'NO_SCHEDULE',
            );
            return labelled && tainted
              ? []
              : [
                  `${nameOf(c)}: node pool ${pool} lacks the ${COMPUTE_CLASS_KEY}=${name} ${labelled ? 'taint' : 'label'}`,
                ];
          }),
      ),
  },
];

/** Runs every compute class assertion; returns how many ran and the failures. */
export function assertComputeClasses(
  objects: readonly K8sObject[],
  expected: ComputeClassesExpectation,
): { count: number; failures: string[] } {
  return {
    count: COMPUTE_CLASS_ASSERTIONS.length,
    failures: COMPUTE_CLASS_ASSERTIONS.flatMap((a) => a.check(objects, expected)),
  };
}

/** Runs every assertion; returns how many ran and the failures. */
export function assertRelease(
  objects: readonly K8sObject[],
  expected: ReleaseExpectation,
  assertions: readonly Assertion[] = ASSERTIONS,
): { count: number; failures: string[] } {
  return { count: assertions.length, failures: assertions.flatMap((a) => a.check(objects, expected)) };
}
