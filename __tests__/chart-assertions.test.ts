import { timingBudget } from '../inference/timing-budget';
import {
  assertComputeClasses,
  assertRelease,
  ComputeClassesExpectation,
  K8sObject,
  ReleaseExpectation,
} from '../scripts/chart-assertions';

// The check:charts assertions on a small hand-made render: compliant, then each defect of issue 15 put back.

const timing = timingBudget();
const POD = { app: 'afpi-inference', engine: 'vllm', 'app.kubernetes.io/instance': 'vllm' };
const ROUTER = { app: 'afpi-inference', engine: 'vllm-router' };
const DEPLOYMENT = 'vllm-m-deployment-vllm';
const CLASS_KEY = 'cloud.google.com/compute-class';

const expected: ReleaseExpectation = {
  release: 'vllm',
  engine: 'vllm',
  images: ['vllm/vllm-openai:v0.15.1', 'lmcache/lmstack-router:v0.1.12'],
  engines: [
    {
      deployment: DEPLOYMENT,
      container: 'vllm',
      image: 'vllm/vllm-openai:v0.15.1',
      gpuCount: 1,
      acceleratorLabels: ['nvidia-l4'],
      computeClass: 'gpu-small',
      cpu: 6,
      memoryGiB: 20,
      shmGiB: 2,
      args: { '--tensor-parallel-size': '1', '--quantization': 'awq' },
      modelSource: '/models/m',
      modelCache: 'gcsfuse',
      serviceAccountName: 'vllm',
      minReplicas: 1,
      maxReplicas: 5,
      startupSeconds: 700,
      weights: { markerPath: '/models/org/m/.afpi-complete', fileCacheMiB: 51200 },
    },
  ],
  timing,
  helmTimeoutSeconds: timing.helmTimeoutSeconds,
  endpointPorts: [8000],
  forbiddenSelectorKeys: ['environment', 'release'],
  roles: [{ name: 'vllm-reader', forbiddenVerbs: ['patch'] }],
  apiKey: {
    env: 'VLLM_API_KEY',
    secretName: 'inference-api-key',
    secretKey: 'api-key',
    containers: [
      { deployment: DEPLOYMENT, container: 'vllm' },
      { deployment: 'vllm-deployment-router', container: 'router' },
    ],
  },
  runAsUser: 1000,
  modelSyncJobs: [],
};

/** What every container carries: the API key, HOME on the scratch emptyDir, non-root with a read-only root. */
const API_KEY_ENV = {
  name: 'VLLM_API_KEY',
  valueFrom: { secretKeyRef: { name: 'inference-api-key', key: 'api-key' } },
};
const HOME_ENV = { name: 'HOME', value: '/tmp' };
const SCRATCH = { name: 'scratch', emptyDir: { sizeLimit: '10Gi' } };
const SCRATCH_MOUNT = { name: 'scratch', mountPath: '/tmp' };
const POD_SECURITY = { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } };
const CONTAINER_SECURITY = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
};

function render(): K8sObject[] {
  const probe = { timeoutSeconds: 5, httpGet: { path: '/health', port: 8000 } };
  return [
    {
      kind: 'Deployment',
      metadata: { name: DEPLOYMENT },
      spec: {
        progressDeadlineSeconds: timing.progressDeadlineSeconds,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
        selector: { matchLabels: POD },
        template: {
          metadata: {
            labels: POD,
            annotations: {
              'gke-gcsfuse/volumes': 'true',
              'gke-gcsfuse/cpu-request': '100m',
              'gke-gcsfuse/memory-request': '256Mi',
              'gke-gcsfuse/ephemeral-storage-request': '1Gi',
            },
          },
          spec: {
            serviceAccountName: 'vllm',
            securityContext: POD_SECURITY,
            tolerations: [
              { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
              { key: CLASS_KEY, operator: 'Equal', value: 'gpu-small', effect: 'NoSchedule' },
            ],
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: 'cloud.google.com/gke-accelerator', operator: 'In', values: ['nvidia-l4'] },
                        { key: CLASS_KEY, operator: 'In', values: ['gpu-small'] },
                      ],
                    },
                  ],
                },
              },
            },
            initContainers: [
              {
                name: 'wait-for-weights',
                image: 'vllm/vllm-openai:v0.15.1',
                command: ['sh', '-c', "until [ -f '/models/org/m/.afpi-complete' ]; do sleep 15; done"],
                volumeMounts: [{ name: 'model-cache', mountPath: '/models', readOnly: true }],
              },
            ],
            containers: [
              {
                name: 'vllm',
                image: 'vllm/vllm-openai:v0.15.1',
                command: [
                  'vllm',
                  'serve',
                  '/models/m',
                  '--tensor-parallel-size',
                  '1',
                  '--quantization',
                  'awq',
                ],
                ports: [{ name: 'container-port', containerPort: 8000 }],
                resources: {
                  requests: { cpu: '6', memory: '20Gi', 'nvidia.com/gpu': '1' },
                  limits: { memory: '20Gi', 'nvidia.com/gpu': '1' },
                },
                startupProbe: { ...timing.startupProbe, httpGet: probe.httpGet },
                readinessProbe: probe,
                livenessProbe: { ...probe, timeoutSeconds: 10 },
                securityContext: CONTAINER_SECURITY,
                env: [API_KEY_ENV, HOME_ENV],
                volumeMounts: [
                  { name: 'shm', mountPath: '/dev/shm' },
                  { name: 'model-cache', mountPath: '/models', readOnly: true },
                  SCRATCH_MOUNT,
                ],
              },
            ],
            volumes: [
              { name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '2Gi' } },
              {
                name: 'model-cache',
                csi: {
                  driver: 'gcsfuse.csi.storage.gke.io',
                  readOnly: true,
                  volumeAttributes: {
                    mountOptions:
                      'implicit-dirs,only-dir=models,file-cache:max-size-mb:51200,file-cache:enable-parallel-downloads:true',
                  },
                },
              },
              { name: 'gke-gcsfuse-cache', emptyDir: { sizeLimit: '51Gi' } },
              SCRATCH,
            ],
          },
        },
      },
    },
    {
      kind: 'Deployment',
      metadata: { name: 'vllm-deployment-router' },
      spec: {
        selector: { matchLabels: ROUTER },
        template: {
          metadata: { labels: ROUTER },
          spec: {
            securityContext: POD_SECURITY,
            containers: [
              {
                name: 'router',
                image: 'lmcache/lmstack-router:v0.1.12',
                args: ['--k8s-label-selector', 'app=afpi-inference,engine=vllm'],
                ports: [{ name: 'router-port', containerPort: 8000 }],
                securityContext: CONTAINER_SECURITY,
                env: [API_KEY_ENV, HOME_ENV],
                volumeMounts: [SCRATCH_MOUNT],
              },
            ],
            volumes: [SCRATCH],
          },
        },
      },
    },
    {
      kind: 'Service',
      metadata: { name: 'vllm-endpoint' },
      spec: {
        type: 'LoadBalancer',
        selector: ROUTER,
        ports: [{ name: 'http', port: 8000, targetPort: 'router-port' }],
      },
    },
    { kind: 'PodDisruptionBudget', metadata: { name: 'engine' }, spec: { selector: { matchLabels: POD } } },
    {
      kind: 'PodDisruptionBudget',
      metadata: { name: 'router' },
      spec: { selector: { matchLabels: ROUTER } },
    },
    {
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'vllm-m' },
      spec: { scaleTargetRef: { kind: 'Deployment', name: DEPLOYMENT }, minReplicas: 1, maxReplicas: 5 },
    },
    {
      kind: 'NetworkPolicy',
      metadata: { name: 'vllm-router' },
      spec: { podSelector: { matchLabels: ROUTER } },
    },
    {
      kind: 'Role',
      metadata: { name: 'vllm-reader' },
      rules: [{ resources: ['pods'], verbs: ['get', 'watch', 'list'] }],
    },
  ];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const engineOf = (objects: any[]) => objects[0];

describe('check:charts assertions', () => {
  it('passes a render that sets what we mean', () => {
    expect(assertRelease(render(), expected)).toEqual({ count: expect.any(Number), failures: [] });
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  it.each<[string, (objects: any[]) => void, string]>([
    [
      'chart default labels in a selector (defect 1)',
      (o) => (o[0].spec.selector.matchLabels = { ...POD, environment: 'test' }),
      'Deployment vllm-m-deployment-vllm .spec.selector.matchLabels: chart default label "environment: test"',
    ],
    [
      'chart default labels in the router discovery',
      (o) => (o[1].spec.template.spec.containers[0].args[1] = 'app=afpi-inference,engine=vllm,release=test'),
      'Deployment vllm-deployment-router .containers[router] --k8s-label-selector: chart default label "release" in app=afpi-inference,engine=vllm,release=test',
    ],
    [
      'a probe without a timeout (defect 2)',
      (o) => delete engineOf(o).spec.template.spec.containers[0].livenessProbe.timeoutSeconds,
      'Deployment vllm-m-deployment-vllm .livenessProbe.timeoutSeconds: absent, a busy engine needs more than 1 s',
    ],
    [
      'a startup probe off the budget (defect 3)',
      (o) => (engineOf(o).spec.template.spec.containers[0].startupProbe.failureThreshold = 180),
      `Deployment vllm-m-deployment-vllm .startupProbe.failureThreshold: expected ${timing.startupProbe.failureThreshold}, got 180`,
    ],
    [
      'a progress deadline off the budget',
      (o) => (engineOf(o).spec.progressDeadlineSeconds = 1000),
      `Deployment vllm-m-deployment-vllm .spec.progressDeadlineSeconds: expected ${timing.progressDeadlineSeconds}, got 1000`,
    ],
    [
      'an HPA on a Deployment of another release name (defect 4)',
      (o) => (o[5].spec.scaleTargetRef.name = 'other-m-deployment-vllm'),
      'HorizontalPodAutoscaler vllm-m .spec.scaleTargetRef: Deployment other-m-deployment-vllm is not in the render',
    ],
    [
      'a Service selecting no pod',
      (o) => (o[2].spec.selector = { 'app.kubernetes.io/instance': 'other' }),
      'Service vllm-endpoint .spec.selector: selects no pod of the release',
    ],
    [
      'GCS FUSE sidecar default requests (defect 5)',
      (o) => delete engineOf(o).spec.template.metadata.annotations['gke-gcsfuse/cpu-request'],
      'Deployment vllm-m-deployment-vllm .template.metadata.annotations["gke-gcsfuse/cpu-request"]: absent (GKE\'s default sidecar request stays)',
    ],
    [
      'the nvidia runtime class',
      (o) => (engineOf(o).spec.template.spec.runtimeClassName = 'nvidia'),
      'Deployment vllm-m-deployment-vllm .spec.template.spec.runtimeClassName: expected absent (GKE has none), got "nvidia"',
    ],
    [
      'a GPU count other than the pool’s',
      (o) => (engineOf(o).spec.template.spec.containers[0].resources.limits['nvidia.com/gpu'] = '2'),
      'Deployment vllm-m-deployment-vllm .resources.limits["nvidia.com/gpu"]: expected "1", got "2"',
    ],
    [
      'an engine argument off the fit rule',
      (o) => (engineOf(o).spec.template.spec.containers[0].command[6] = 'gptq'),
      'Deployment vllm-m-deployment-vllm .command/args: expected --quantization awq, got "gptq"',
    ],
    [
      'a floating image',
      (o) => (o[1].spec.template.spec.containers[0].image = 'lmcache/lmstack-router:latest'),
      'Deployment vllm-deployment-router .containers[router].image: "lmcache/lmstack-router:latest" is not one of vllm/vllm-openai:v0.15.1, lmcache/lmstack-router:v0.1.12',
    ],
    [
      'engine replicas rendered next to the HPA',
      (o) => (engineOf(o).spec.replicas = 1),
      'Deployment vllm-m-deployment-vllm .spec.replicas: 1, every helm upgrade would reset what the HPA scaled to',
    ],
    [
      'an engine rollout that surges a pod onto a full GPU pool (review 15, finding 2)',
      (o) => (engineOf(o).spec.strategy.rollingUpdate = { maxSurge: 1, maxUnavailable: 0 }),
      'Deployment vllm-m-deployment-vllm .spec.strategy.rollingUpdate: expected {"maxSurge":0,"maxUnavailable":1}, got {"maxSurge":1,"maxUnavailable":0}',
    ],
    [
      "the router Role with the chart's pods:patch (post-renderer not applied)",
      (o) => (o[7].rules[0].verbs = ['get', 'watch', 'list', 'patch']),
      'Role vllm-reader .rules[0].verbs: ["patch"] granted on ["pods"]',
    ],
    ['no router Role rendered', (o) => o.splice(7, 1), 'Role vllm-reader: not rendered'],
    [
      'an engine that does not select its compute class',
      (o) =>
        engineOf(
          o,
        ).spec.template.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions.pop(),
      `Deployment vllm-m-deployment-vllm .spec.template.spec: does not select ${CLASS_KEY}=gpu-small`,
    ],
    [
      'an engine that does not tolerate its class taint',
      (o) => engineOf(o).spec.template.spec.tolerations.pop(),
      'Deployment vllm-m-deployment-vllm .spec.template.spec.tolerations: does not tolerate the gpu-small class taint',
    ],
    [
      'a router without the API key (engines would refuse its calls)',
      (o) => (o[1].spec.template.spec.containers[0].env = [HOME_ENV]),
      'Deployment vllm-deployment-router .containers[router].env[VLLM_API_KEY]: expected [{"name":"VLLM_API_KEY","valueFrom":{"secretKeyRef":{"name":"inference-api-key","key":"api-key"}}}], got []',
    ],
    [
      "an engine with the chart's runAsNonRoot: false (issue 21, item 5)",
      (o) => (engineOf(o).spec.template.spec.containers[0].securityContext.runAsNonRoot = false),
      'Deployment vllm-m-deployment-vllm .containers[vllm].securityContext.runAsNonRoot: expected true, got false',
    ],
    [
      'a pod without a user (the image runs as root)',
      (o) => (o[1].spec.template.spec.securityContext = { runAsNonRoot: true }),
      'Deployment vllm-deployment-router .containers[router].securityContext.runAsUser: expected 1000, got absent',
    ],
    [
      'a writable root filesystem',
      (o) => delete engineOf(o).spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem,
      'Deployment vllm-m-deployment-vllm .containers[vllm].securityContext.readOnlyRootFilesystem: expected true, got absent',
    ],
    [
      'HOME on the read-only root',
      (o) => (engineOf(o).spec.template.spec.containers[0].env = [API_KEY_ENV]),
      'Deployment vllm-m-deployment-vllm .containers[vllm].env[HOME]: absent is no mounted emptyDir (the root is read-only)',
    ],
    [
      'a Deployment without a PDB',
      (o) => o.splice(4, 1),
      'Deployment vllm-deployment-router: no PodDisruptionBudget selects its pods',
    ],
    [
      "a startup probe shorter than the model's load (issue 18)",
      (o) => (engineOf(o).spec.template.spec.containers[0].startupProbe.failureThreshold = 60),
      'Deployment vllm-m-deployment-vllm .startupProbe: failureThreshold 60 x periodSeconds 10 < 700 s the model needs to load',
    ],
    [
      'an engine that starts without waiting for its weights',
      (o) => delete engineOf(o).spec.template.spec.initContainers,
      'Deployment vllm-m-deployment-vllm .spec.template.spec.initContainers: no init container waits for /models/org/m/.afpi-complete on the GCS FUSE volume',
    ],
    [
      'an init container waiting for another model',
      (o) =>
        (engineOf(o).spec.template.spec.initContainers[0].command[2] =
          "until [ -f '/models/x/.afpi-complete' ]"),
      'Deployment vllm-m-deployment-vllm .spec.template.spec.initContainers: no init container waits for /models/org/m/.afpi-complete on the GCS FUSE volume',
    ],
    [
      'a floating init container image',
      (o) => (engineOf(o).spec.template.spec.initContainers[0].image = 'busybox:latest'),
      'Deployment vllm-m-deployment-vllm .containers[wait-for-weights].image: "busybox:latest" is not one of vllm/vllm-openai:v0.15.1, lmcache/lmstack-router:v0.1.12',
    ],
    [
      'GCS FUSE without parallel downloads',
      (o) =>
        (engineOf(o).spec.template.spec.volumes[1].csi.volumeAttributes.mountOptions =
          'implicit-dirs,only-dir=models,file-cache:max-size-mb:51200'),
      'Deployment vllm-m-deployment-vllm .volumes[GCS FUSE].mountOptions: no file-cache:enable-parallel-downloads:true in "implicit-dirs,only-dir=models,file-cache:max-size-mb:51200"',
    ],
    [
      'a file cache volume smaller than the cache',
      (o) => (engineOf(o).spec.template.spec.volumes[2].emptyDir.sizeLimit = '10Gi'),
      'Deployment vllm-m-deployment-vllm .volumes[gke-gcsfuse-cache]: sizeLimit "10Gi" cannot hold the 51200 MiB cache',
    ],
  ])('fails %s, naming object and field', (_name, breakIt, failure) => {
    // A deep copy: the shared constants (securityContext, env) must not carry one case's break into the next.
    const objects = structuredClone(render());
    breakIt(objects);
    expect(assertRelease(objects, expected).failures).toContain(failure);
  });
});

describe('check:charts compute class assertions', () => {
  const classes: ComputeClassesExpectation = {
    classes: [
      {
        name: 'gpu-small',
        priorities: [{ nodepools: ['gpu-small'] }, { nodepools: ['gpu-small-spot'] }],
        nodePoolAutoCreation: false,
      },
    ],
    nodePools: {
      'gpu-small': {
        labels: { [CLASS_KEY]: 'gpu-small' },
        taints: [{ key: CLASS_KEY, value: 'gpu-small', effect: 'NO_SCHEDULE' }],
      },
      'gpu-small-spot': {
        labels: { [CLASS_KEY]: 'gpu-small' },
        taints: [{ key: CLASS_KEY, value: 'gpu-small', effect: 'NO_SCHEDULE' }],
      },
    },
    minPriorities: 2,
  };
  const renderClasses = (): K8sObject[] => [
    {
      apiVersion: 'cloud.google.com/v1',
      kind: 'ComputeClass',
      metadata: { name: 'gpu-small' },
      spec: {
        priorities: [{ nodepools: ['gpu-small'] }, { nodepools: ['gpu-small-spot'] }],
        nodePoolAutoCreation: { enabled: false },
        whenUnsatisfiable: 'DoNotScaleUp',
      },
    },
  ];

  it('passes the classes config asks for', () => {
    expect(assertComputeClasses(renderClasses(), classes)).toEqual({ count: 5, failures: [] });
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  it.each<[string, (objects: any[]) => void, (e: any) => void, string]>([
    [
      'priorities out of order',
      (o) => o[0].spec.priorities.reverse(),
      () => undefined,
      'ComputeClass gpu-small .spec.priorities: [{"nodepools":["gpu-small-spot"]},{"nodepools":["gpu-small"]}], expected [{"nodepools":["gpu-small"]},{"nodepools":["gpu-small-spot"]}]',
    ],
    [
      'a single way to get capacity',
      (o) => o[0].spec.priorities.pop(),
      () => undefined,
      'ComputeClass gpu-small .spec.priorities: 1 < 2',
    ],
    [
      'scaling up outside the list',
      (o) => (o[0].spec.whenUnsatisfiable = 'ScaleUpAnyway'),
      () => undefined,
      'ComputeClass gpu-small .spec.whenUnsatisfiable: "ScaleUpAnyway", expected "DoNotScaleUp"',
    ],
    [
      'a fallback node pool without the class taint',
      () => undefined,
      (e) => (e.nodePools['gpu-small-spot'].taints = []),
      `ComputeClass gpu-small: node pool gpu-small-spot lacks the ${CLASS_KEY}=gpu-small taint`,
    ],
    [
      'a priority naming a node pool the gke-gpu stack does not have',
      () => undefined,
      (e) => delete e.nodePools['gpu-small-spot'],
      'ComputeClass gpu-small: node pool gpu-small-spot is not in the gke-gpu stack',
    ],
    ['a missing class', (o) => o.pop(), () => undefined, 'ComputeClass gpu-small: not rendered'],
  ])('fails %s', (_name, breakRender, breakExpected, failure) => {
    const objects = renderClasses();
    breakRender(objects);
    const expectation = structuredClone(classes);
    breakExpected(expectation);
    expect(assertComputeClasses(objects, expectation).failures).toContain(failure);
  });
});

describe('check:charts assertions on the model-sync release', () => {
  const IMAGE = 'mirror/vllm/vllm-openai:v0.15.1';
  const sync: ReleaseExpectation = {
    release: 'model-sync',
    engine: 'vllm',
    images: [IMAGE],
    engines: [],
    helmTimeoutSeconds: 1000,
    modelSyncHelmTimeoutSeconds: 1000,
    endpointPorts: [],
    forbiddenSelectorKeys: [],
    roles: [],
    apiKey: { env: 'VLLM_API_KEY', secretName: 'inference-api-key', secretKey: 'api-key', containers: [] },
    runAsUser: 1000,
    modelSyncJobs: [
      {
        model: 'm',
        huggingFaceId: 'org/M',
        image: IMAGE,
        serviceAccountName: 'model-sync',
        marker: '.afpi-complete',
        activeDeadlineSeconds: 700,
        maxFileBytes: 10e9,
        ephemeralStorageGiB: 21,
      },
    ],
  };
  const job = (): K8sObject[] => [
    {
      kind: 'SecretProviderClass',
      metadata: { name: 'model-sync-hf-token' },
    },
    {
      kind: 'Job',
      metadata: { name: 'model-sync-m-0123abcd', labels: { 'afpi.dev/model': 'm' } },
      spec: {
        activeDeadlineSeconds: 700,
        template: {
          metadata: { annotations: { 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' } },
          spec: {
            serviceAccountName: 'model-sync',
            restartPolicy: 'Never',
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 10001,
              seccompProfile: { type: 'RuntimeDefault' },
            },
            affinity: {
              nodeAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: {
                  nodeSelectorTerms: [
                    {
                      matchExpressions: [
                        { key: 'cloud.google.com/gke-accelerator', operator: 'DoesNotExist' },
                      ],
                    },
                  ],
                },
              },
            },
            containers: [
              {
                name: 'sync',
                image: IMAGE,
                env: [
                  { name: 'MODEL_ID', value: 'org/M' },
                  { name: 'MARKER', value: '.afpi-complete' },
                  { name: 'MAX_FILE_BYTES', value: '10000000000' },
                ],
                resources: {
                  requests: { 'ephemeral-storage': '21Gi' },
                  limits: { 'ephemeral-storage': '21Gi' },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ['ALL'] },
                },
                volumeMounts: [{ name: 'models', mountPath: '/models' }],
              },
            ],
            volumes: [
              {
                name: 'models',
                csi: {
                  driver: 'gcsfuse.csi.storage.gke.io',
                  volumeAttributes: {
                    mountOptions: 'implicit-dirs,only-dir=models,write:enable-streaming-writes:true',
                  },
                },
              },
              {
                name: 'hf-token',
                csi: {
                  driver: 'secrets-store-gke.csi.k8s.io',
                  volumeAttributes: { secretProviderClass: 'model-sync-hf-token' },
                },
              },
            ],
          },
        },
      },
    },
  ];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const podOf = (o: any[]) => o[1].spec.template.spec;

  it('passes a Job that sets what we mean', () => {
    expect(assertRelease(job(), sync).failures).toEqual([]);
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  it.each<[string, (objects: any[]) => void, string]>([
    ['no Job for a model', (o) => o.splice(1, 1), 'Job for model m: not rendered'],
    [
      'a Job that may run as root',
      (o) => delete podOf(o).securityContext.runAsNonRoot,
      'Job model-sync-m-0123abcd .securityContext.runAsNonRoot: expected true, got absent',
    ],
    [
      'a writable root filesystem',
      (o) => (podOf(o).containers[0].securityContext.readOnlyRootFilesystem = false),
      'Job model-sync-m-0123abcd .containers[0].securityContext: expected {"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":true,"runAsNonRoot":true,"capabilities":{"drop":["ALL"]}}, got {"allowPrivilegeEscalation":false,"readOnlyRootFilesystem":false,"runAsNonRoot":true,"capabilities":{"drop":["ALL"]}}',
    ],
    [
      'a Job that may land on a GPU node',
      (o) => (podOf(o).tolerations = [{ key: 'nvidia.com/gpu', operator: 'Exists' }]),
      'Job model-sync-m-0123abcd .tolerations: tolerates GPU nodes',
    ],
    [
      'a Job without the CPU-only affinity',
      (o) => delete podOf(o).affinity,
      'Job model-sync-m-0123abcd .affinity: not kept off GPU nodes',
    ],
    [
      'a floating image',
      (o) => (podOf(o).containers[0].image = 'python:latest'),
      'Job model-sync-m-0123abcd .containers[sync].image: "python:latest" is not one of mirror/vllm/vllm-openai:v0.15.1',
    ],
    [
      'a read-only bucket mount',
      (o) => (podOf(o).volumes[0].csi.readOnly = true),
      'Job model-sync-m-0123abcd .volumes: no writable GCS FUSE volume mounted',
    ],
    [
      'a disk budget of one copy of the largest file (the 12Gi that was evicted)',
      (o) => (podOf(o).containers[0].resources.limits['ephemeral-storage'] = '12Gi'),
      'Job model-sync-m-0123abcd .containers[0].resources.limits.ephemeral-storage: expected "21Gi", got "12Gi"',
    ],
    [
      'a bucket mount without streaming writes',
      (o) => (podOf(o).volumes[0].csi.volumeAttributes.mountOptions = 'implicit-dirs,only-dir=models'),
      'Job model-sync-m-0123abcd .volumes[GCS FUSE].mountOptions: no write:enable-streaming-writes:true in "implicit-dirs,only-dir=models"',
    ],
    [
      'a pod the cluster autoscaler may evict mid-copy',
      (o) => delete o[1].spec.template.metadata.annotations,
      'Job model-sync-m-0123abcd .spec.template.metadata.annotations[cluster-autoscaler.kubernetes.io/safe-to-evict]: expected "false", got absent',
    ],
    [
      'a Job name that lost its template hash',
      (o) => (o[1].metadata.name = 'model-sync-m-0123'),
      'Job model-sync-m-0123 .metadata.name: not model-sync-m-<hash of 8>',
    ],
    [
      'a token volume without its SecretProviderClass',
      (o) => o.splice(0, 1),
      'Job model-sync-m-0123abcd .volumes: no hf-token volume from a SecretProviderClass of the release',
    ],
  ])('fails %s', (_name, breakIt, failure) => {
    const objects = job();
    breakIt(objects);
    expect(assertRelease(objects, sync).failures).toContain(failure);
  });

  it('fails an expectation whose disk budget cannot hold two copies of the largest file', () => {
    const small = { ...sync, modelSyncJobs: [{ ...sync.modelSyncJobs[0], maxFileBytes: 12e9 }] };
    expect(assertRelease(job(), small).failures).toContain(
      'Job model-sync-m-0123abcd .containers[0].resources.limits.ephemeral-storage: 21Gi cannot hold two copies of a 12000000000-byte file',
    );
  });

  it('fails a Helm timeout off the sync budget', () => {
    expect(assertRelease(job(), { ...sync, helmTimeoutSeconds: 300 }).failures).toContain(
      'helm_release timeout: expected 1000, got 300',
    );
  });
});
