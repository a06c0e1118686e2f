import { timingBudget } from '../inference/timing-budget';
import { COMPUTE_CLASSES_RELEASE } from '../inference/compute-classes';
import { MODEL_SYNC_RELEASE } from '../inference/model-sync';
import { loadVariant } from './support/env-files';
import { onlyResource, resourcesOf, synthApp, synthEnvironment, SynthesizedStack } from './support/synth';
import { parseYaml } from '../config/parse-yaml';

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function release(stack: SynthesizedStack | undefined, name: string): Record<string, unknown> {
  const found = resourcesOf(stack, 'helm_release').find((r) => r.name === name);
  if (!found) throw new Error(`no helm_release ${name}`);
  return found;
}

/** The values document a release receives (one YAML string), parsed. */
function valuesOf(stack: SynthesizedStack | undefined, name: string): Values {
  const values = release(stack, name).values as string[];
  expect(values).toHaveLength(1);
  return parseYaml(values[0]) as Values;
}

function extraObject(values: Values, kind: string, name: string): Values {
  const found = (values.extraObjects as Values[]).find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in extraObjects`);
  return found;
}

const GPU_TOLERATION = { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' };
const ILB_IP =
  '${data.terraform_remote_state.cross-stack-reference-input-network.outputs.cross-stack-output-google_compute_addressinference-ilb-addressaddress}';
const MODEL_BUCKET =
  '${data.terraform_remote_state.cross-stack-reference-input-data.outputs.cross-stack-output-google_storage_bucketmodels_bucket_03E03D20name}';

describe('inference stack', () => {
  const dev = synthEnvironment('dev');
  const prod = synthEnvironment('prod');
  const growth = synthEnvironment('prod', 'growth');
  const startup = synthEnvironment('dev', 'startup');

  it('exists only in the tiers with GPUs', () => {
    expect(dev.inference).toBeDefined();
    expect(prod.inference).toBeDefined();
    expect(growth.inference).toBeUndefined();
    expect(startup.inference).toBeUndefined();
  });

  it('configures kubernetes and helm from the existing cluster, with credentials that never reach state', () => {
    const stack = prod.inference!;
    expect(Object.values(stack.data?.google_container_cluster ?? {})).toEqual([
      expect.objectContaining({ name: 'afpi-prod', location: 'us-central1', project: 'afpi-production' }),
    ]);
    // A data source's results are stored in state: no access token from google_client_config.
    expect(stack.data?.google_client_config).toBeUndefined();
    const exec = { api_version: 'client.authentication.k8s.io/v1beta1', command: 'gke-gcloud-auth-plugin' };
    const connection = {
      host: expect.stringMatching(
        /^https:\/\/\$\{data\.google_container_cluster\.[^.]+\.control_plane_endpoints_config\[0\]\.dns_endpoint_config\[0\]\.endpoint\}$/,
      ),
    };
    expect(stack.provider?.kubernetes).toEqual([{ ...connection, exec: [exec] }]);
    expect(stack.provider?.helm).toEqual([{ kubernetes: { ...connection, exec } }]);
    expect(JSON.stringify(stack.provider)).not.toMatch(/token/);
    // Never from a kubeconfig on disk.
    expect(JSON.stringify(stack.provider)).not.toMatch(/config_path|kubeconfig/);
  });

  it('labels the namespaces for Pod Security: enforce baseline, warn and audit restricted', () => {
    const namespaces = resourcesOf(prod.inference, 'kubernetes_namespace_v1');
    expect(namespaces.map((n) => (n.metadata as Values).name).sort()).toEqual(
      resourcesOf(prod.inference, 'kubernetes_deployment_v1').length
        ? ['custom-metrics', 'inference']
        : ['inference'],
    );
    for (const ns of [...namespaces, ...resourcesOf(dev.inference, 'kubernetes_namespace_v1')]) {
      expect((ns.metadata as Values).labels).toEqual(
        expect.objectContaining({
          'pod-security.kubernetes.io/enforce': 'baseline',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        }),
      );
    }
  });

  it('denies ingress and egress by default; egress only to DNS, metadata, the namespace and public HTTPS', () => {
    expect(resourcesOf(prod.inference, 'kubernetes_network_policy_v1')).toHaveLength(7);
    // The inference namespace is a reference to the namespace resource; custom-metrics (prod: queue depth) a name.
    const policies = (ns: string) =>
      resourcesOf(prod.inference, 'kubernetes_network_policy_v1').filter((p) =>
        String((p.metadata as Values).namespace).includes(ns),
      );
    const named = (ns: string, name: string) =>
      policies(ns).find((p) => (p.metadata as Values).name === name)!;
    for (const ns of ['kubernetes_namespace_v1', 'custom-metrics']) {
      expect(named(ns, 'default-deny').spec).toEqual({
        pod_selector: {},
        policy_types: ['Ingress', 'Egress'],
      });
      const egress = (named(ns, 'allow-egress-baseline').spec as Values).egress as Values[];
      expect(egress).toEqual([
        expect.objectContaining({
          ports: [
            { port: '53', protocol: 'UDP' },
            { port: '53', protocol: 'TCP' },
          ],
        }),
        { to: [{ ip_block: { cidr: '169.254.169.254/32' } }], ports: [{ port: '80', protocol: 'TCP' }] },
        { to: [{ ip_block: { cidr: '169.254.169.252/32' } }], ports: [{ port: '988', protocol: 'TCP' }] },
        { to: [{ pod_selector: {} }] },
        {
          to: [
            {
              ip_block: {
                cidr: '0.0.0.0/0',
                except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'],
              },
            },
          ],
          ports: [{ port: '443', protocol: 'TCP' }],
        },
      ]);
      expect(named(ns, 'allow-egress-kube-api').spec).toEqual(
        expect.objectContaining({
          egress: [
            { to: [{ ip_block: { cidr: '172.16.0.0/28' } }], ports: [{ port: '443', protocol: 'TCP' }] },
          ],
        }),
      );
    }
    // The API server calls the adapter on its pod port (the Service maps 443 to it).
    expect(named('custom-metrics', 'allow-ingress-kube-api').spec).toEqual(
      expect.objectContaining({
        ingress: [
          { from: [{ ip_block: { cidr: '172.16.0.0/28' } }], ports: [{ port: '6443', protocol: 'TCP' }] },
        ],
      }),
    );
    expect((named('kubernetes_namespace_v1', 'allow-egress-kube-api').spec as Values).pod_selector).toEqual({
      match_labels: { 'app.kubernetes.io/component': 'router', 'app.kubernetes.io/instance': 'vllm' },
    });
  });

  it('lets the CI planner read the Secrets Helm keeps releases in, in the release namespace only', () => {
    const role = onlyResource(prod.inference, 'kubernetes_role_v1');
    expect(role).toEqual(
      expect.objectContaining({
        metadata: {
          name: 'helm-release-reader',
          namespace: '${kubernetes_namespace_v1.namespace.metadata[0].name}',
        },
        rule: [{ api_groups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
      }),
    );
    const bindings = resourcesOf(prod.inference, 'kubernetes_role_binding_v1').filter(
      (b) => (b.metadata as Values).name === 'helm-release-reader',
    );
    expect(bindings).toEqual([
      expect.objectContaining({
        metadata: {
          name: 'helm-release-reader',
          namespace: '${kubernetes_namespace_v1.namespace.metadata[0].name}',
        },
        role_ref: {
          api_group: 'rbac.authorization.k8s.io',
          kind: 'Role',
          name: expect.stringMatching(
            /^\$\{kubernetes_role_v1\.helm-release-reader_role_[A-F0-9]+\.metadata\[0\]\.name\}$/,
          ),
        },
        subject: [
          {
            kind: 'User',
            name: 'afpi-planner@afpi-production.iam.gserviceaccount.com',
            api_group: 'rbac.authorization.k8s.io',
          },
        ],
      }),
    ]);
  });

  it('copies the API key from Secret Manager into a Secret that every engine and the vLLM router read (issue 21)', () => {
    const versions = Object.values(
      (prod.inference as Values).data.google_secret_manager_secret_version as Record<string, Values>,
    );
    expect(versions).toHaveLength(1);
    const [version] = versions;
    expect(version).toEqual(
      expect.objectContaining({
        secret: expect.stringMatching(
          /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-data\.outputs\.cross-stack-output-google_secret_manager_secretinference-api-key_secret_[A-F0-9]+id\}$/,
        ),
      }),
    );
    expect(version).not.toHaveProperty('version'); // latest: a rotation reaches the Secret at the next apply
    const secret = onlyResource(prod.inference, 'kubernetes_secret_v1');
    expect(secret).toEqual(
      expect.objectContaining({
        metadata: {
          name: 'inference-api-key',
          namespace: '${kubernetes_namespace_v1.namespace.metadata[0].name}',
        },
        type: 'Opaque',
        data: {
          'api-key': expect.stringMatching(
            /^\$\{data\.google_secret_manager_secret_version\.api-key_latest_[A-F0-9]+\.secret_data\}$/,
          ),
        },
      }),
    );
    const ref = { secretName: 'inference-api-key', secretKey: 'api-key' };
    const vllm = valuesOf(prod.inference, 'vllm');
    expect(vllm.servingEngineSpec.vllmApiKey).toEqual(ref);
    expect(vllm.routerSpec.vllmApiKey).toEqual(ref);
    expect(valuesOf(prod.inference, 'tgi-mistral-7b-instruct-v0-2').apiKey).toEqual(ref);
    // The engine releases wait for the Secret: pods referencing a missing Secret never start.
    const engines = resourcesOf(prod.inference, 'helm_release').filter(
      (r) => ![MODEL_SYNC_RELEASE, COMPUTE_CLASSES_RELEASE].includes(r.name as string),
    );
    expect(engines.map((r) => r.name).sort()).toEqual([
      'tgi-llama-2-70b-chat',
      'tgi-mistral-7b-instruct-v0-2',
      'vllm',
    ]);
    for (const r of engines) {
      expect(r.depends_on).toContainEqual(expect.stringMatching(/^kubernetes_secret_v1\.api-key_secret_/));
    }
  });

  it('runs the engines, the router and TGI as a non-root user on a read-only root, HOME on an emptyDir (issue 21)', () => {
    const vllm = valuesOf(prod.inference, 'vllm');
    for (const spec of [vllm.servingEngineSpec, vllm.routerSpec]) {
      expect(spec.securityContext).toEqual(
        expect.objectContaining({ runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 }),
      );
      // The chart's default for the engines is runAsNonRoot: false; ours replaces it.
      expect(spec.containerSecurityContext).toEqual({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'] },
      });
    }
    const scratch = { name: 'scratch', emptyDir: { sizeLimit: '10Gi' } };
    for (const spec of [...(vllm.servingEngineSpec.modelSpec as Values[]), vllm.routerSpec]) {
      expect(spec.env).toEqual(
        expect.arrayContaining([
          { name: 'HOME', value: '/tmp' },
          { name: 'USER', value: 'afpi' },
          { name: 'XDG_CACHE_HOME', value: '/tmp/.cache' },
          { name: 'TRITON_CACHE_DIR', value: '/tmp/.triton' },
          { name: 'VLLM_CACHE_ROOT', value: '/tmp/.cache/vllm' },
        ]),
      );
      expect(spec.extraVolumes).toContainEqual(scratch);
      expect(spec.extraVolumeMounts).toContainEqual({ name: 'scratch', mountPath: '/tmp' });
    }
    // Our TGI chart is non-root and read-only by default (charts/tgi/values.yaml); the stack adds the caches.
    expect(valuesOf(prod.inference, 'tgi-mistral-7b-instruct-v0-2').env).toContainEqual({
      name: 'TORCHINDUCTOR_CACHE_DIR',
      value: '/tmp/torchinductor',
    });
  });

  it('lets the nodes pull from the registry mirrors with a reader grant on each repository only (issue 21)', () => {
    const grants = resourcesOf(prod.inference, 'google_artifact_registry_repository_iam_member');
    expect(grants.map((g) => g.repository).sort()).toEqual([
      expect.stringMatching(
        /^\$\{google_artifact_registry_repository\.registry-mirrors_docker-hub_[A-F0-9]+\.name\}$/,
      ),
      expect.stringMatching(
        /^\$\{google_artifact_registry_repository\.registry-mirrors_ghcr_[A-F0-9]+\.name\}$/,
      ),
    ]);
    for (const grant of grants) {
      expect(grant).toEqual(
        expect.objectContaining({
          role: 'roles/artifactregistry.reader',
          member: 'serviceAccount:afpi-prod-nodes@afpi-production.iam.gserviceaccount.com',
        }),
      );
    }
    // The member is gke-gpu's node account (built from its id, no cross-stack output).
    expect(onlyResource(synthEnvironment('prod')['gke-gpu'], 'google_service_account').account_id).toBe(
      'afpi-prod-nodes',
    );
  });

  it('gives each engine a Workload Identity that reads the model bucket (and the HF token for a PVC cache) only', () => {
    const stack = dev.inference!;
    expect(resourcesOf(stack, 'google_service_account').map((a) => a.account_id)).toEqual([
      'inference-model-sync',
      'inference-tgi',
      'inference-vllm',
    ]);
    expect(resourcesOf(stack, 'google_service_account_iam_member')).toEqual([
      expect.objectContaining({
        role: 'roles/iam.workloadIdentityUser',
        member:
          'serviceAccount:afpi-dev.svc.id.goog[${kubernetes_namespace_v1.namespace.metadata[0].name}/model-sync]',
      }),
      expect.objectContaining({
        role: 'roles/iam.workloadIdentityUser',
        member:
          'serviceAccount:afpi-dev.svc.id.goog[${kubernetes_namespace_v1.namespace.metadata[0].name}/tgi]',
      }),
      expect.objectContaining({
        role: 'roles/iam.workloadIdentityUser',
        member:
          'serviceAccount:afpi-dev.svc.id.goog[${kubernetes_namespace_v1.namespace.metadata[0].name}/vllm]',
      }),
    ]);
    expect(resourcesOf(stack, 'kubernetes_service_account_v1')).toEqual([
      expect.objectContaining({ metadata: expect.objectContaining({ name: 'model-sync' }) }),
      expect.objectContaining({ metadata: expect.objectContaining({ name: 'tgi' }) }),
      expect.objectContaining({
        automount_service_account_token: false,
        metadata: expect.objectContaining({
          name: 'vllm',
          annotations: {
            'iam.gke.io/gcp-service-account': expect.stringContaining('google_service_account.vllm_gsa'),
          },
        }),
      }),
    ]);
    // The engines read the bucket; only the model-sync Jobs write it (issue 18).
    expect(resourcesOf(stack, 'google_storage_bucket_iam_member')).toEqual([
      expect.objectContaining({
        bucket: MODEL_BUCKET,
        role: 'roles/storage.objectUser',
        member: expect.stringContaining('google_service_account.model-sync_identity_gsa'),
      }),
      expect.objectContaining({ bucket: MODEL_BUCKET, role: 'roles/storage.objectViewer' }),
      expect.objectContaining({ bucket: MODEL_BUCKET, role: 'roles/storage.objectViewer' }),
    ]);
    // gcsfuse cache: weights come from the bucket, the engines never read the token (issue 21); the model-sync
    // Jobs do, to download them.
    expect(resourcesOf(stack, 'google_secret_manager_secret_iam_member')).toEqual([
      expect.objectContaining({
        role: 'roles/secretmanager.secretAccessor',
        secret_id: expect.stringContaining('secret-hf-token'),
        member: expect.stringContaining('google_service_account.model-sync_identity_gsa'),
      }),
    ]);
    const { loaded } = loadVariant('dev', { inference: { modelCache: 'pvc' } });
    const pvc = synthApp(loaded!.config).inference;
    expect(resourcesOf(pvc, 'google_secret_manager_secret_iam_member')).toEqual([
      expect.objectContaining({
        role: 'roles/secretmanager.secretAccessor',
        secret_id: expect.stringContaining('secret-hf-token'),
      }),
      expect.objectContaining({
        role: 'roles/secretmanager.secretAccessor',
        secret_id: expect.stringContaining('secret-hf-token'),
      }),
    ]);
    // No project-wide roles for the engines.
    expect(resourcesOf(stack, 'google_project_iam_member')).toEqual([]);
  });

  it('releases vllm-stack from the production-stack repository at a pinned version, atomically', () => {
    expect(release(prod.inference, 'vllm')).toEqual(
      expect.objectContaining({
        repository: 'https://vllm-project.github.io/production-stack',
        chart: 'vllm-stack',
        version: '0.1.12',
        namespace: '${kubernetes_namespace_v1.namespace.metadata[0].name}',
        atomic: true,
        wait: true,
        timeout: 2700,
        cleanup_on_fail: true,
        max_history: 5,
        depends_on: expect.arrayContaining([
          expect.stringMatching(/^kubernetes_service_account_v1\.vllm_ksa/),
          expect.stringMatching(/^google_storage_bucket_iam_member\.vllm_vllm-reads-models/),
        ]),
      }),
    );
  });

  it('generates one model spec per model placed by the fit rule, with pinned images', () => {
    const values = valuesOf(prod.inference, 'vllm');
    const [mistral, llama] = values.servingEngineSpec.modelSpec;
    expect(values.servingEngineSpec.modelSpec).toHaveLength(2);
    expect(llama).toEqual(
      expect.objectContaining({
        name: 'llama-2-70b-chat',
        repository: 'us-central1-docker.pkg.dev/afpi-production/docker-hub/vllm/vllm-openai',
        tag: 'v0.15.1',
        modelURL: '/models/TheBloke/Llama-2-70B-Chat-AWQ',
        runtimeClassName: '',
        requestGPU: 2,
        requestCPU: 18,
        requestMemory: '110Gi',
        limitMemory: '110Gi',
        shmSize: '4Gi',
        keda: { enabled: true },
        raySpec: { enabled: false },
        vllmConfig: {
          tensorParallelSize: 2,
          gpuMemoryUtilization: 0.9,
          maxModelLen: 4096,
          dtype: 'float16',
          enablePrefixCaching: true,
          extraArgs: ['--served-model-name', 'llama-2-70b-chat'],
        },
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: 'cloud.google.com/gke-accelerator', operator: 'In', values: ['nvidia-tesla-a100'] },
              { key: 'cloud.google.com/compute-class', operator: 'In', values: ['gpu-large'] },
            ],
          },
        ],
        tolerations: [
          GPU_TOLERATION,
          {
            key: 'cloud.google.com/compute-class',
            operator: 'Equal',
            value: 'gpu-large',
            effect: 'NoSchedule',
          },
        ],
        pdb: { enabled: true, maxUnavailable: 1 },
      }),
    );
    expect(mistral).toEqual(
      expect.objectContaining({
        name: 'mistral-7b-instruct-v0-2',
        requestGPU: 1,
        vllmConfig: expect.objectContaining({ tensorParallelSize: 1 }),
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: 'cloud.google.com/gke-accelerator', operator: 'In', values: ['nvidia-l4'] },
              { key: 'cloud.google.com/compute-class', operator: 'In', values: ['gpu-small'] },
            ],
          },
        ],
      }),
    );
    for (const spec of values.servingEngineSpec.modelSpec) {
      expect(spec.tag).not.toBe('latest');
      expect(spec.serviceAccountName).toMatch(
        /^\$\{kubernetes_service_account_v1\.vllm_ksa_\w+\.metadata\[0\]\.name\}$/,
      );
    }
    expect(values.servingEngineSpec.runtimeClassName).toBe('');
    expect(values.routerSpec).toEqual(
      expect.objectContaining({
        enableRouter: true,
        repository: 'us-central1-docker.pkg.dev/afpi-production/docker-hub/lmcache/lmstack-router',
        tag: 'v0.1.12',
      }),
    );
  });

  it('mounts the model bucket read-only through GCS FUSE and keeps the engines off the Hub', () => {
    const values = valuesOf(dev.inference, 'vllm');
    const [spec] = values.servingEngineSpec.modelSpec;
    expect(spec.podAnnotations).toEqual(expect.objectContaining({ 'gke-gcsfuse/volumes': 'true' }));
    expect(spec.extraVolumes).toEqual([
      {
        name: 'model-cache',
        csi: {
          driver: 'gcsfuse.csi.storage.gke.io',
          readOnly: true,
          volumeAttributes: {
            bucketName: MODEL_BUCKET,
            // File cache on the node's 100 GB disk: 90 % (kubelet eviction) - 40 GB headroom = 50 GiB.
            mountOptions:
              'implicit-dirs,only-dir=models,file-cache:max-size-mb:51200,file-cache:cache-file-for-range-read:true,file-cache:enable-parallel-downloads:true',
          },
        },
      },
      { name: 'gke-gcsfuse-cache', emptyDir: { sizeLimit: '51Gi' } },
      { name: 'scratch', emptyDir: { sizeLimit: '10Gi' } },
    ]);
    // The engine starts once the model-sync Job has written the model's marker (issue 18).
    expect(spec.initContainer).toEqual({
      name: 'wait-for-weights',
      image: 'us-central1-docker.pkg.dev/afpi-dev/docker-hub/vllm/vllm-openai:v0.15.1',
      command: [
        'sh',
        '-c',
        "until [ -f '/models/TheBloke/Mistral-7B-Instruct-v0.2-AWQ/.afpi-complete' ]; do echo 'waiting for /models/TheBloke/Mistral-7B-Instruct-v0.2-AWQ/.afpi-complete (model-sync Job)'; sleep 15; done",
      ],
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '64Mi' } },
      extraVolumeMounts: [{ name: 'model-cache', mountPath: '/models', readOnly: true }],
    });
    expect(spec.extraVolumeMounts).toEqual([
      { name: 'model-cache', mountPath: '/models', readOnly: true },
      { name: 'scratch', mountPath: '/tmp' },
    ]);
    expect(spec.env).toContainEqual({ name: 'HF_HUB_OFFLINE', value: '1' });
    expect(spec.env).not.toContainEqual(expect.objectContaining({ name: 'HF_TOKEN_PATH' }));
    expect((values.extraObjects as Values[]).map((o) => o.kind)).not.toContain('SecretProviderClass');
    const tgi = valuesOf(dev.inference, 'tgi-mistral-7b-instruct-v0-2');
    expect(tgi.modelCache).toEqual({
      type: 'gcsfuse',
      gcsfuse: {
        onlyDir: 'models',
        bucket: MODEL_BUCKET,
        extraMountOptions: [
          'file-cache:max-size-mb:51200',
          'file-cache:cache-file-for-range-read:true',
          'file-cache:enable-parallel-downloads:true',
        ],
        fileCacheSizeLimit: '51Gi',
        waitForMarker: 'TheBloke/Mistral-7B-Instruct-v0.2-AWQ/.afpi-complete',
      },
    });
    expect(tgi.hfToken).toEqual({ secretManagerVersion: '' });
  });

  it('sizes the probes from each model: checkpoint / read throughput + engine init (issue 18)', () => {
    // prod: Mistral-7B AWQ (4.3 GB) and Llama-2-70B AWQ (41.4 GB: 34.5 GB of packed weights + 20 % for the
    // 16-bit embeddings, lm_head and group scales; the Hub lists about 36.7 GB) over GCS FUSE at 0.1 GB/s + 600 s.
    const vllm = valuesOf(prod.inference, 'vllm');
    // vllm-stack sets one startup probe for all its engines and fixes their progress deadline at 1200 s: the
    // window stays above it (60 + 144 x 10 = 1500 s >= 1014 s the slowest model needs).
    expect(vllm.servingEngineSpec.startupProbe).toEqual({
      initialDelaySeconds: 60,
      periodSeconds: 10,
      failureThreshold: 144,
      timeoutSeconds: 5,
      httpGet: { path: '/health', port: 8000 },
    });
    expect(release(prod.inference, 'vllm').timeout).toBe(2700);
    const llama = valuesOf(prod.inference, 'tgi-llama-2-70b-chat');
    expect(llama.probes.startup).toEqual({
      initialDelaySeconds: 60,
      periodSeconds: 10,
      failureThreshold: 102,
      timeoutSeconds: 5,
    });
    // The real 70B AWQ download (~36.7 GB on the Hub) fits the probe: 102 x 10 s >= 367 s + 600 s.
    expect(llama.probes.startup.failureThreshold * 10).toBeGreaterThanOrEqual(Math.ceil(36.7 / 0.1) + 600);
    // The progress deadline covers the 900 s before the container starts + the 1080 s window: a cold rollout
    // within budget never reports ProgressDeadlineExceeded.
    expect(llama.progressDeadlineSeconds).toBe(900 + 60 + 102 * 10);
    expect(release(prod.inference, 'tgi-llama-2-70b-chat').timeout).toBeGreaterThan(
      llama.progressDeadlineSeconds,
    );
    const mistral = valuesOf(prod.inference, 'tgi-mistral-7b-instruct-v0-2');
    expect(
      mistral.probes.startup.failureThreshold * mistral.probes.startup.periodSeconds,
    ).toBeGreaterThanOrEqual(644);
    expect(mistral.progressDeadlineSeconds).toBeGreaterThanOrEqual(900 + 644);
    expect(release(prod.inference, 'tgi-mistral-7b-instruct-v0-2').timeout).toBe(
      timingBudget(644).helmTimeoutSeconds,
    );
  });

  it('stages the weights with a model-sync release the engines wait for (issue 18)', () => {
    const sync = release(prod.inference, 'model-sync');
    expect(sync).toEqual(
      expect.objectContaining({
        chart: expect.stringMatching(/^assets\/model-sync_chart_[0-9A-F]+\/[0-9A-F]+$/),
        wait: true,
        wait_for_jobs: true,
        atomic: true,
        // 2 x 41.4 GB / 0.05 GB/s + 300 s node scale-up = 1956 s deadline, + 300 s.
        timeout: 2256,
        depends_on: expect.arrayContaining([
          expect.stringMatching(
            /^google_storage_bucket_iam_member\.model-sync_identity_identity-writes-models/,
          ),
          expect.stringMatching(/^google_secret_manager_secret_iam_member\.model-sync_identity_/),
          expect.stringMatching(/^kubernetes_service_account_v1\.model-sync_identity_ksa/),
          // The Job's first DNS lookup must not race the namespace's egress baseline (each failure is a retry).
          expect.stringMatching(/^kubernetes_network_policy_v1\.network-policies_allow-egress-baseline/),
        ]),
      }),
    );
    const values = valuesOf(prod.inference, 'model-sync');
    expect(values).toEqual(
      expect.objectContaining({
        image: 'us-central1-docker.pkg.dev/afpi-production/docker-hub/vllm/vllm-openai:v0.15.1',
        bucket: MODEL_BUCKET,
        marker: '.afpi-complete',
        activeDeadlineSeconds: 1956,
        // Two copies of a 10 GB shard (18.7 GiB) + 2 GiB: the download and GCS FUSE's staged copy.
        maxFileBytes: 10e9,
        ephemeralStorage: '21Gi',
        hfToken: { secretManagerVersion: expect.stringMatching(/secret-hf-token.*\/versions\/latest$/) },
        models: [
          {
            name: 'mistral-7b-instruct-v0-2',
            huggingFaceId: 'TheBloke/Mistral-7B-Instruct-v0.2-AWQ',
            revision: 'main',
          },
          { name: 'llama-2-70b-chat', huggingFaceId: 'TheBloke/Llama-2-70B-Chat-AWQ', revision: 'main' },
        ],
      }),
    );
    for (const engine of ['vllm', 'tgi-llama-2-70b-chat', 'tgi-mistral-7b-instruct-v0-2']) {
      expect(release(prod.inference, engine).depends_on).toContainEqual(
        expect.stringMatching(/^helm_release\.model-sync_release_/),
      );
    }
    // A PVC cache downloads in the engine pods: no model-sync.
    const { loaded } = loadVariant('dev', { inference: { modelCache: 'pvc' } });
    const pvc = synthApp(loaded!.config).inference;
    expect(resourcesOf(pvc, 'helm_release').map((r) => r.name)).not.toContain('model-sync');
  });

  it('puts the vLLM router behind an internal load balancer on the reserved address, fenced by network policies', () => {
    const values = valuesOf(dev.inference, 'vllm');
    expect(extraObject(values, 'Service', '{{ .Release.Name }}-endpoint')).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: {
        name: '{{ .Release.Name }}-endpoint',
        annotations: {
          'networking.gke.io/load-balancer-type': 'Internal',
          'networking.gke.io/internal-load-balancer-allow-global-access': 'true',
        },
      },
      spec: expect.objectContaining({
        type: 'LoadBalancer',
        loadBalancerIP: ILB_IP,
        loadBalancerSourceRanges: ['10.8.0.0/28'],
        ports: [{ name: 'http', port: 8000, targetPort: 'router-port', protocol: 'TCP' }],
      }),
    });
    const router = extraObject(values, 'NetworkPolicy', '{{ .Release.Name }}-router');
    expect(router.spec.ingress[0].from).toEqual([
      { ipBlock: { cidr: '10.8.0.0/28' } },
      { ipBlock: { cidr: '35.191.0.0/16' } },
      { ipBlock: { cidr: '130.211.0.0/22' } },
    ]);
    const engines = extraObject(values, 'NetworkPolicy', '{{ .Release.Name }}-engines');
    expect(engines.spec.ingress).toEqual([
      {
        from: [
          {
            podSelector: {
              matchLabels: {
                'app.kubernetes.io/component': 'router',
                'app.kubernetes.io/instance': '{{ .Release.Name }}',
              },
            },
          },
          { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gmp-system' } } },
        ],
        ports: [{ port: 'container-port', protocol: 'TCP' }],
      },
    ]);
    expect(extraObject(values, 'PodMonitoring', '{{ .Release.Name }}-engines').spec.endpoints).toEqual([
      { port: 'container-port', path: '/metrics', interval: '30s' },
    ]);
  });

  it('releases TGI from the local chart as a Terraform asset, one release per model', () => {
    const tgi = release(prod.inference, 'tgi-llama-2-70b-chat');
    expect(tgi).toEqual(
      expect.objectContaining({
        chart: expect.stringMatching(/^assets\/tgi-chart\/[0-9A-F]+$/),
        atomic: true,
        wait: true,
        // 41.4 GB / 0.1 GB/s + 600 s = 1014 s: window 60 + 102 x 10, + 900 s pre-start + 300 s margin.
        timeout: 2280,
        cleanup_on_fail: true,
        max_history: 5,
      }),
    );
    expect(tgi.repository).toBeUndefined();
    const values = valuesOf(prod.inference, 'tgi-llama-2-70b-chat');
    expect(values).toEqual(
      expect.objectContaining({
        image: {
          repository: 'us-central1-docker.pkg.dev/afpi-production/ghcr/huggingface/text-generation-inference',
          tag: '3.3.5',
          pullPolicy: 'IfNotPresent',
        },
        model: {
          id: '/models/TheBloke/Llama-2-70B-Chat-AWQ',
          numShard: 2,
          quantize: 'awq',
          dtype: '',
          maxInputTokens: 3072,
          maxTotalTokens: 4096,
        },
        gpu: { count: 2, acceleratorType: 'nvidia-tesla-a100', computeClass: 'gpu-large' },
        serviceAccount: {
          create: false,
          name: expect.stringContaining('kubernetes_service_account_v1.tgi_ksa'),
        },
      }),
    );
    expect(values.service).toEqual(
      expect.objectContaining({ type: 'LoadBalancer', internal: true, port: 8081, loadBalancerIP: ILB_IP }),
    );
    expect(valuesOf(prod.inference, 'tgi-mistral-7b-instruct-v0-2').service.port).toBe(8080);
    expect(values.networkPolicy).toEqual(
      expect.objectContaining({
        allowedCidrs: ['10.8.0.0/28', '10.8.0.16/28'],
        healthCheckCidrs: ['35.191.0.0/16', '130.211.0.0/22'],
      }),
    );
  });

  it('scales on CPU where config says so (dev) and installs no metrics adapter', () => {
    const hpa = extraObject(
      valuesOf(dev.inference, 'vllm'),
      'HorizontalPodAutoscaler',
      '{{ .Release.Name }}-mistral-7b-instruct-v0-2',
    );
    expect(hpa.spec).toEqual(
      expect.objectContaining({
        scaleTargetRef: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: '{{ .Release.Name }}-mistral-7b-instruct-v0-2-deployment-vllm',
        },
        // dev's GPU pool holds two nodes, shared by two engines (AFPI-K8S-7 and the config rule).
        minReplicas: 1,
        maxReplicas: 1,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
          },
        ],
      }),
    );
    expect(valuesOf(dev.inference, 'tgi-mistral-7b-instruct-v0-2').autoscaling).toEqual(
      expect.objectContaining({
        metric: 'cpu',
        targetCPUUtilizationPercentage: 70,
        minReplicas: 1,
        maxReplicas: 1,
      }),
    );
    expect(resourcesOf(dev.inference, 'kubernetes_deployment_v1')).toEqual([]);
  });

  it('scales on queue depth where config says so (prod), with the custom metrics adapter and its own identity', () => {
    const hpa = extraObject(
      valuesOf(prod.inference, 'vllm'),
      'HorizontalPodAutoscaler',
      '{{ .Release.Name }}-llama-2-70b-chat',
    );
    expect(hpa.spec.metrics).toEqual([
      {
        type: 'Pods',
        pods: {
          metric: { name: 'prometheus.googleapis.com|vllm:num_requests_waiting|gauge' },
          target: { type: 'AverageValue', averageValue: '5' },
        },
      },
    ]);
    expect(valuesOf(prod.inference, 'tgi-llama-2-70b-chat').autoscaling).toEqual(
      expect.objectContaining({ metric: 'queue-depth', queueDepthTarget: 5 }),
    );
    const adapter = onlyResource(prod.inference, 'kubernetes_deployment_v1');
    expect(adapter).toEqual(
      expect.objectContaining({
        metadata: expect.objectContaining({
          name: 'custom-metrics-stackdriver-adapter',
          namespace: 'custom-metrics',
        }),
      }),
    );
    // Non-root (distroless nonroot) on a read-only root; its self-signed certificate goes to an emptyDir.
    const pod = (adapter.spec as Values).template.spec;
    expect(pod.security_context).toEqual(
      expect.objectContaining({ run_as_non_root: true, run_as_user: '65532', run_as_group: '65532' }),
    );
    expect(pod.container[0].security_context).toEqual(
      expect.objectContaining({ run_as_non_root: true, read_only_root_filesystem: true }),
    );
    expect(pod.container[0].command).toContain('--cert-dir=/var/run/adapter-certs');
    expect(pod.container[0].volume_mount).toEqual([{ name: 'certs', mount_path: '/var/run/adapter-certs' }]);
    expect(pod.volume).toEqual([{ name: 'certs', empty_dir: { size_limit: '16Mi' } }]);
    expect(
      resourcesOf(prod.inference, 'kubernetes_api_service_v1')
        .map((a) => (a.metadata as Values).name)
        .sort(),
    ).toEqual([
      'v1beta1.custom.metrics.k8s.io',
      'v1beta1.external.metrics.k8s.io',
      'v1beta2.custom.metrics.k8s.io',
    ]);
    expect(onlyResource(prod.inference, 'google_project_iam_member')).toEqual(
      expect.objectContaining({
        role: 'roles/monitoring.viewer',
        member: expect.stringContaining('google_service_account.custom-metrics-adapter_identity_gsa'),
      }),
    );
  });

  it('outputs the endpoints the Cloud Run backend calls', () => {
    expect(prod.inference?.output?.endpoints.value).toEqual([
      {
        engine: 'vllm',
        url: `http://${ILB_IP}:8000/v1`,
        models: ['mistral-7b-instruct-v0.2', 'llama-2-70b-chat'],
      },
      { engine: 'tgi', url: `http://${ILB_IP}:8080/v1`, models: ['mistral-7b-instruct-v0.2'] },
      { engine: 'tgi', url: `http://${ILB_IP}:8081/v1`, models: ['llama-2-70b-chat'] },
    ]);
  });
});
