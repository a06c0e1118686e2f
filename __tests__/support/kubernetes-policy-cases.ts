import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { Release, ReleaseConfig } from '@cdktf/provider-helm/lib/release';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import {
  NetworkPolicyV1,
  NetworkPolicyV1SpecIngress,
} from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { PodDisruptionBudgetV1 } from '@cdktf/provider-kubernetes/lib/pod-disruption-budget-v1';
import { ServiceAccountV1 } from '@cdktf/provider-kubernetes/lib/service-account-v1';
import { TerraformStack } from 'cdktf';
import { stringify } from 'yaml';

// Failing and passing fixtures of the AFPI-K8S-* and AFPI-HELM-* rules (policy/rules/kubernetes.ts), in the
// shape of __tests__/policy-rules.test.ts CASES.

const LABELS = { app: 'adapter' };
const RESOURCES = { requests: { cpu: '250m', memory: '400Mi' }, limits: { memory: '400Mi' } };

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Container = Record<string, any>;

const deployment = (s: TerraformStack, container: Container = {}, pod: Record<string, unknown> = {}) =>
  new DeploymentV1(s, 'deployment', {
    metadata: { name: 'adapter', namespace: 'ns' },
    spec: {
      selector: { matchLabels: LABELS },
      template: {
        metadata: { labels: LABELS },
        spec: {
          container: [
            { name: 'adapter', image: 'gcr.io/x/adapter:v1.2.3', resources: RESOURCES, ...container },
          ],
          ...pod,
        },
      },
    },
  });

const pdb = (s: TerraformStack, labels: Record<string, string> = LABELS) =>
  new PodDisruptionBudgetV1(s, 'pdb', {
    metadata: { name: 'adapter', namespace: 'ns' },
    spec: { minAvailable: '1', selector: { matchLabels: labels } },
  });

/** A namespace, with a NetworkPolicy in it unless `policy` is null (default: a default-deny ingress one). */
const namespaceWithPolicy = (
  s: TerraformStack,
  policy: { ingress?: NetworkPolicyV1SpecIngress[]; podSelector?: object } | null = {},
) => {
  const namespace = new NamespaceV1(s, 'namespace', { metadata: { name: 'ns' } });
  if (policy === null) return;
  new NetworkPolicyV1(s, 'deny', {
    metadata: { name: 'default-deny-ingress', namespace: namespace.metadata.name },
    spec: { podSelector: policy.podSelector ?? {}, policyTypes: ['Ingress'], ingress: policy.ingress },
  });
};

const serviceAccount = (s: TerraformStack, annotations: Record<string, string>) =>
  new ServiceAccountV1(s, 'ksa', { metadata: { name: 'vllm', namespace: 'ns', annotations } });

const release = (
  s: TerraformStack,
  config: Partial<ReleaseConfig> = {},
  values: object = {},
  id = 'release',
) =>
  new Release(s, id, {
    name: 'tgi',
    chart: 'charts/tgi',
    atomic: true,
    wait: true,
    timeout: 1800,
    cleanupOnFail: true,
    values: [
      stringify({
        image: { repository: 'ghcr.io/huggingface/text-generation-inference', tag: '3.3.5' },
        resources: { requests: { cpu: '6', memory: '20Gi' }, limits: { memory: '20Gi' } },
        pdb: { enabled: true, minAvailable: 1 },
        ...values,
      }),
    ],
    ...config,
  });

const vllmRelease = (s: TerraformStack, model: object = {}, router: object = {}) =>
  release(
    s,
    {
      name: 'vllm',
      chart: 'vllm-stack',
      repository: 'https://vllm-project.github.io/production-stack',
      version: '0.1.12',
    },
    {
      servingEngineSpec: {
        modelSpec: [
          {
            name: 'm',
            repository: 'vllm/vllm-openai',
            tag: 'v0.15.1',
            requestCPU: 6,
            requestMemory: '20Gi',
            limitMemory: '20Gi',
            pdb: { enabled: true, minAvailable: 1 },
            ...model,
          },
        ],
      },
      routerSpec: { repository: 'lmcache/lmstack-router', tag: 'v0.1.12', pdb: { enabled: true }, ...router },
    },
  );

/** A 5-node L4 pool and a TGI release autoscaling to `maxReplicas` on L4 (after one to `otherMaxReplicas`). */
const autoscaledOnPool = (maxReplicas: number, otherMaxReplicas?: number) => (s: TerraformStack) => {
  new ContainerNodePool(s, 'gpu', {
    name: 'gpu',
    cluster: 'afpi',
    nodeLocations: ['us-central1-a', 'us-central1-b'],
    autoscaling: { totalMinNodeCount: 0, totalMaxNodeCount: 5 },
    nodeConfig: { machineType: 'g2-standard-8', guestAccelerator: [{ type: 'nvidia-l4', count: 1 }] },
  });
  if (otherMaxReplicas !== undefined) {
    // Created first, so the release below is the one that takes the sum over the ceiling.
    const pool = { gpu: { count: 1, acceleratorType: 'nvidia-l4' } };
    release(
      s,
      { name: 'tgi-other' },
      { ...pool, autoscaling: { enabled: true, maxReplicas: otherMaxReplicas } },
      'other',
    );
  }
  release(
    s,
    {},
    { gpu: { count: 1, acceleratorType: 'nvidia-l4' }, autoscaling: { enabled: true, maxReplicas } },
  );
};

/** A compute-classes release defining class `gpu` with `priorities` options, and a TGI release on `computeClass`. */
const gpuWorkload =
  (priorities: number, computeClass: string | undefined = 'gpu') =>
  (s: TerraformStack) => {
    const options = [{ nodepools: ['gpu'] }, { nodepools: ['gpu-spot'] }].slice(0, priorities);
    release(
      s,
      { name: 'compute-classes', chart: 'charts/compute-classes' },
      { classes: [{ name: 'gpu', priorities: options }] },
      'classes',
    );
    release(s, {}, { gpu: { count: 1, acceleratorType: 'nvidia-l4', computeClass } });
  };

export const KUBERNETES_CASES = [
  {
    rule: 'AFPI-K8S-1',
    at: 'fixture/deployment',
    pass: (s: TerraformStack) => deployment(s),
    fail: [
      (s: TerraformStack) => deployment(s, { image: 'gcr.io/x/adapter' }),
      (s: TerraformStack) => deployment(s, { image: 'gcr.io/x/adapter:latest' }),
    ],
  },
  {
    rule: 'AFPI-K8S-2',
    at: 'fixture/deployment',
    pass: (s: TerraformStack) => deployment(s),
    fail: [
      (s: TerraformStack) =>
        deployment(s, { resources: { requests: { cpu: '1' }, limits: { memory: '1Gi' } } }),
      (s: TerraformStack) => deployment(s, { resources: { requests: { cpu: '1', memory: '1Gi' } } }),
    ],
  },
  {
    rule: 'AFPI-K8S-3',
    at: 'fixture/deployment',
    pass: (s: TerraformStack) => deployment(s),
    fail: [
      (s: TerraformStack) => deployment(s, { securityContext: { privileged: true } }),
      (s: TerraformStack) => deployment(s, {}, { hostNetwork: true }),
      (s: TerraformStack) => deployment(s, {}, { volume: [{ name: 'root', hostPath: { path: '/' } }] }),
    ],
  },
  {
    rule: 'AFPI-K8S-4',
    at: 'fixture/namespace',
    pass: (s: TerraformStack) => namespaceWithPolicy(s),
    fail: [
      (s: TerraformStack) => namespaceWithPolicy(s, null),
      (s: TerraformStack) => namespaceWithPolicy(s, { ingress: [{}] }),
      (s: TerraformStack) => namespaceWithPolicy(s, { podSelector: { matchLabels: LABELS } }),
    ],
  },
  {
    rule: 'AFPI-K8S-5',
    at: 'fixture/deployment',
    pass: (s: TerraformStack) => {
      deployment(s);
      pdb(s);
    },
    fail: [
      (s: TerraformStack) => deployment(s),
      (s: TerraformStack) => {
        deployment(s);
        pdb(s, { app: 'other' });
      },
    ],
  },
  {
    rule: 'AFPI-K8S-6',
    at: 'fixture/ksa',
    pass: (s: TerraformStack) =>
      serviceAccount(s, { 'iam.gke.io/gcp-service-account': 'inference-vllm@p.iam.gserviceaccount.com' }),
    fail: [(s: TerraformStack) => serviceAccount(s, {})],
  },
  {
    rule: 'AFPI-K8S-7',
    at: 'fixture/release',
    pass: autoscaledOnPool(3, 2),
    // 6 on a 5-node pool; 3 + 3 on it (each alone fits, the sum does not).
    fail: [autoscaledOnPool(6), autoscaledOnPool(3, 3)],
  },
  {
    rule: 'AFPI-K8S-8',
    at: 'fixture/release',
    pass: gpuWorkload(2),
    // No class (one node pool); a class with one priority; a class no release installs.
    fail: [gpuWorkload(2, ''), gpuWorkload(1), gpuWorkload(2, 'other')],
  },
  {
    rule: 'AFPI-HELM-1',
    at: 'fixture/release',
    pass: (s: TerraformStack) => release(s),
    fail: [
      (s: TerraformStack) => release(s, { atomic: false }),
      (s: TerraformStack) => release(s, { atomic: undefined }),
    ],
  },
  {
    rule: 'AFPI-HELM-2',
    at: 'fixture/release',
    pass: (s: TerraformStack) => release(s),
    fail: [
      (s: TerraformStack) => release(s, { wait: false }),
      (s: TerraformStack) => release(s, { timeout: undefined }),
    ],
  },
  {
    rule: 'AFPI-HELM-3',
    at: 'fixture/release',
    pass: (s: TerraformStack) => release(s),
    fail: [(s: TerraformStack) => release(s, { cleanupOnFail: undefined })],
  },
  {
    rule: 'AFPI-HELM-4',
    at: 'fixture/release',
    pass: (s: TerraformStack) => vllmRelease(s),
    fail: [
      (s: TerraformStack) => release(s, { chart: 'vllm-stack', repository: 'https://example.com/charts' }),
      (s: TerraformStack) =>
        release(s, { chart: 'vllm-stack', repository: 'https://example.com/charts', version: '>=0.1' }),
    ],
  },
  {
    rule: 'AFPI-HELM-5',
    at: 'fixture/release',
    pass: (s: TerraformStack) => vllmRelease(s),
    fail: [
      (s: TerraformStack) => vllmRelease(s, { tag: 'latest' }),
      (s: TerraformStack) => vllmRelease(s, {}, { tag: '' }),
      // No tag: vllm-stack renders its default "latest".
      (s: TerraformStack) => vllmRelease(s, {}, { tag: undefined }),
      (s: TerraformStack) => vllmRelease(s, { tag: undefined }),
      (s: TerraformStack) => release(s, {}, { sidecar: { image: 'busybox' } }),
    ],
  },
  {
    rule: 'AFPI-HELM-6',
    at: 'fixture/release',
    pass: (s: TerraformStack) => vllmRelease(s),
    fail: [
      (s: TerraformStack) => vllmRelease(s, { securityContext: { privileged: true } }),
      (s: TerraformStack) => release(s, {}, { hostNetwork: true }),
      (s: TerraformStack) => release(s, {}, { extraVolumes: [{ name: 'root', hostPath: { path: '/' } }] }),
      // vllm-stack renders hostIPC and hostPID for prefill/decode disaggregation.
      (s: TerraformStack) => vllmRelease(s, { lmcacheConfig: { enabled: true, enablePD: true } }),
    ],
  },
  {
    rule: 'AFPI-HELM-7',
    at: 'fixture/release',
    pass: (s: TerraformStack) => vllmRelease(s, {}, { resources: RESOURCES }),
    fail: [
      (s: TerraformStack) => vllmRelease(s, { limitMemory: undefined }),
      (s: TerraformStack) => vllmRelease(s, {}, { resources: { requests: { cpu: '400m' } } }),
      (s: TerraformStack) => vllmRelease(s, {}, { resources: {} }),
      (s: TerraformStack) => vllmRelease(s, {}, { resources: { limits: { memory: '1Gi' } } }),
    ],
  },
  {
    rule: 'AFPI-HELM-8',
    at: 'fixture/release',
    pass: (s: TerraformStack) => vllmRelease(s),
    fail: [
      (s: TerraformStack) => vllmRelease(s, { pdb: undefined }),
      (s: TerraformStack) => vllmRelease(s, {}, { pdb: { enabled: false } }),
      (s: TerraformStack) => release(s, {}, { pdb: { enabled: false } }),
    ],
  },
];
