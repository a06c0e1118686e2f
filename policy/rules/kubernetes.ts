import { COMPUTE_CLASS_KEY } from '../../catalog/gpus';
import { parseYaml } from '../../config/parse-yaml';
import { Attributes, block, blocks, isTrue, PolicyResource, Rule, RuleContext, strings } from '../rule';

/**
 * Rules for the Kubernetes side: workloads and objects created as `kubernetes_*` resources, and Helm releases
 * (their settings and the values documents they pass; the rendered objects are checked by `npm run
 * check:charts`).
 */

const WORKLOADS = ['kubernetes_deployment_v1', 'kubernetes_stateful_set_v1', 'kubernetes_daemon_set_v1'];
const HELM = ['helm_release'];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Values = any;

/** `repo:tag` (not latest) or `repo@sha256:<digest>`. */
export function pinnedImage(image: string): boolean {
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return true;
  const name = image.slice(image.lastIndexOf('/') + 1);
  const tag = name.includes(':') ? name.slice(name.indexOf(':') + 1) : '';
  return tag !== '' && tag !== 'latest';
}

const podSpec = (a: Attributes) => block(block(block(a.spec).template).spec);
const containersOf = (a: Attributes) => [
  ...blocks(podSpec(a).init_container),
  ...blocks(podSpec(a).container),
];
const labelsOf = (value: unknown) => (block(value) as Record<string, string>) ?? {};

/** Parsed values by release attributes: several rules read each release's values, and parsing is most of a check. */
const parsedValues = new WeakMap<Attributes, Values[]>();

/** Every values document of a release, parsed (unparseable ones are left to Helm). Read-only: rules share it. */
function valuesOf(a: Attributes): Values[] {
  let docs = parsedValues.get(a);
  if (!docs) {
    docs = strings(a.values).flatMap((text) => {
      try {
        const doc = parseYaml(text) as Values;
        return doc && typeof doc === 'object' ? [doc] : [];
      } catch {
        return [];
      }
    });
    parsedValues.set(a, docs);
  }
  return docs;
}

/** Walked values documents: four rules read every node of each. */
const walked = new WeakMap<object, [string, Values][]>();

/** Every (path, node) of a parsed values tree, objects and lists walked (parents first). Read-only: shared. */
function walk(doc: Values): [string, Values][] {
  let nodes = walked.get(doc);
  if (!nodes) {
    const found: [string, Values][] = [];
    const visit = (node: Values, at: string): void => {
      if (Array.isArray(node)) {
        node.forEach((v, i) => visit(v, `${at}[${i}]`));
      } else if (node && typeof node === 'object') {
        found.push([at, node]);
        for (const [k, v] of Object.entries(node)) visit(v, at ? `${at}.${k}` : k);
      } else {
        found.push([at, node]);
      }
    };
    visit(doc, '');
    nodes = found;
    walked.set(doc, nodes);
  }
  return nodes;
}

const valuesNodes = (a: Attributes) => valuesOf(a).flatMap((doc) => walk(doc));
const isMap = (v: Values) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The `name` of a namespace resource or a reference to one (`${kubernetes_namespace_v1.x.metadata[0].name}`). */
function sameNamespace(value: unknown, namespace: PolicyResource, context: RuleContext): boolean {
  const name = block(namespace.attributes.metadata).name;
  return value === name || context.referenced(value, ['kubernetes_namespace_v1']) === namespace;
}

/**
 * GPU node ceilings by compute class (the largest of its pools: fallbacks stand in for the first choice, they do
 * not add to it) or, for pools outside any class, by accelerator type (summed over pools carrying it).
 */
function poolNodesByTarget(context: RuleContext): Map<string, number> {
  const nodes = new Map<string, number>();
  for (const pool of context.ofType('google_container_node_pool')) {
    const config = block(pool.attributes.node_config);
    const accelerator = blocks(config.guest_accelerator)[0]?.type;
    const computeClass = (block(config.labels) as Record<string, unknown>)[COMPUTE_CLASS_KEY];
    const autoscaling = block(pool.attributes.autoscaling);
    const zones = strings(pool.attributes.node_locations).length || 1;
    const max = Number(autoscaling.total_max_node_count ?? Number(autoscaling.max_node_count) * zones);
    if (typeof accelerator !== 'string' || !Number.isFinite(max)) continue;
    if (typeof computeClass === 'string') {
      const key = `class ${computeClass}`;
      nodes.set(key, Math.max(nodes.get(key) ?? 0, max));
    } else {
      nodes.set(accelerator, (nodes.get(accelerator) ?? 0) + max);
    }
  }
  return nodes;
}

/** Ways to get capacity every GPU workload needs (issue 18): one stockout or quota limit must not stop it. */
export const MIN_CAPACITY_OPTIONS = 2;

/** The GPU workloads of a release's values and the compute class each selects (vllm-stack modelSpec, TGI gpu). */
function gpuWorkloadsOf(a: Attributes): { name: string; computeClass?: string }[] {
  return valuesOf(a).flatMap((doc) => [
    ...((doc.servingEngineSpec?.modelSpec ?? []) as Values[])
      .filter((m) => Number(m?.requestGPU) > 0)
      .map((m) => ({
        name: `servingEngineSpec.modelSpec ${m.name}`,
        computeClass: (m.nodeSelectorTerms ?? [])
          .flatMap((t: Values) => t.matchExpressions ?? [])
          .find((e: Values) => e.key === COMPUTE_CLASS_KEY)?.values?.[0],
      })),
    ...(Number(doc.gpu?.count) > 0 ? [{ name: 'gpu', computeClass: doc.gpu.computeClass || undefined }] : []),
  ]);
}

/** Priorities of every ComputeClass the app's releases install (charts/compute-classes `classes`), by name. */
function computeClassPriorities(context: RuleContext): Map<string, number> {
  const classes = new Map<string, number>();
  for (const r of context.ofType(...HELM)) {
    for (const doc of valuesOf(r.attributes)) {
      for (const c of Array.isArray(doc.classes) ? doc.classes : []) {
        if (typeof c?.name === 'string') classes.set(c.name, (c.priorities ?? []).length);
      }
    }
  }
  return classes;
}

/**
 * The autoscalers a release's values declare, with the nodes their pods run on (`class <name>` for a compute
 * class, else the accelerator): vllm-stack HPAs in extraObjects (target `<release>-<model>-deployment-vllm`,
 * model from servingEngineSpec.modelSpec) and the TGI chart's `autoscaling` with `gpu.computeClass` or
 * `gpu.acceleratorType`.
 */
function autoscalersOf(a: Attributes): { name: string; maxReplicas: number; accelerator?: string }[] {
  return valuesOf(a).flatMap((doc) => {
    const models: Values[] = doc.servingEngineSpec?.modelSpec ?? [];
    const selected = (model: Values, key: string): string | undefined =>
      (model?.nodeSelectorTerms ?? [])
        .flatMap((t: Values) => t.matchExpressions ?? [])
        .find((m: Values) => m.key === key)?.values?.[0];
    const acceleratorOf = (model: Values): string | undefined => {
      const computeClass = selected(model, COMPUTE_CLASS_KEY);
      return computeClass ? `class ${computeClass}` : selected(model, 'cloud.google.com/gke-accelerator');
    };
    const hpas = (doc.extraObjects ?? [])
      .filter((o: Values) => o?.kind === 'HorizontalPodAutoscaler')
      .map((o: Values) => {
        const target = String(o.spec?.scaleTargetRef?.name ?? '');
        const model = models.find((m) => target.endsWith(`-${m.name}-deployment-vllm`));
        return {
          name: String(o.metadata?.name),
          maxReplicas: Number(o.spec?.maxReplicas),
          accelerator: acceleratorOf(model),
        };
      });
    const tgiTarget = doc.gpu?.computeClass ? `class ${doc.gpu.computeClass}` : doc.gpu?.acceleratorType;
    const tgi =
      doc.autoscaling?.enabled === true && tgiTarget
        ? [
            {
              name: 'autoscaling',
              maxReplicas: Number(doc.autoscaling.maxReplicas),
              accelerator: String(tgiTarget),
            },
          ]
        : [];
    return [...hpas, ...tgi];
  });
}

export const kubernetesRules: Rule[] = [
  {
    id: 'AFPI-K8S-1',
    statement: 'Kubernetes container image is not pinned by tag or digest',
    fix: 'set image to <repository>:<release tag> or <repository>@sha256:<digest>, never latest',
    resourceTypes: WORKLOADS,
    check: (a) =>
      containersOf(a)
        .filter((c) => typeof c.image !== 'string' || !pinnedImage(c.image))
        .map((c) => `container ${String(c.name)}: image ${JSON.stringify(c.image)}`),
  },
  {
    id: 'AFPI-K8S-2',
    statement: 'Kubernetes container has no CPU and memory requests or no memory limit',
    fix: 'set resources.requests.cpu, resources.requests.memory and resources.limits.memory on every container',
    resourceTypes: WORKLOADS,
    check: (a) =>
      containersOf(a).flatMap((c) => {
        const resources = block(c.resources);
        const missing = [
          ...(block(resources.requests).cpu ? [] : ['requests.cpu']),
          ...(block(resources.requests).memory ? [] : ['requests.memory']),
          ...(block(resources.limits).memory ? [] : ['limits.memory']),
        ];
        return missing.length > 0 ? [`container ${String(c.name)}: no ${missing.join(', ')}`] : [];
      }),
  },
  {
    id: 'AFPI-K8S-3',
    statement: 'Kubernetes pod is privileged, shares a host namespace or mounts a hostPath',
    fix: 'remove security_context.privileged, host_network, host_pid, host_ipc and host_path volumes',
    resourceTypes: WORKLOADS,
    check: (a) => {
      const spec = podSpec(a);
      return [
        ...['host_network', 'host_pid', 'host_ipc'].filter((k) => isTrue(spec[k])).map((k) => `${k} = true`),
        ...blocks(spec.volume)
          .filter((v) => Object.keys(block(v.host_path)).length > 0)
          .map((v) => `volume ${String(v.name)}: host_path`),
        ...containersOf(a)
          .filter((c) => isTrue(block(c.security_context).privileged))
          .map((c) => `container ${String(c.name)}: privileged`),
      ];
    },
  },
  {
    id: 'AFPI-K8S-4',
    statement: 'Kubernetes namespace has no default-deny ingress NetworkPolicy',
    fix: 'add a kubernetes_network_policy_v1 in the namespace with an empty pod_selector, policy_types ["Ingress"] and no ingress rule; allow what each workload needs in its own policy',
    resourceTypes: ['kubernetes_namespace_v1'],
    check: (_a, context) =>
      context.ofType('kubernetes_network_policy_v1').some((np) => {
        const spec = block(np.attributes.spec);
        return (
          sameNamespace(block(np.attributes.metadata).namespace, context.resource, context) &&
          Object.keys(block(block(spec.pod_selector).match_labels)).length === 0 &&
          blocks(block(spec.pod_selector).match_expressions).length === 0 &&
          strings(spec.policy_types).includes('Ingress') &&
          blocks(spec.ingress).length === 0
        );
      }),
  },
  {
    id: 'AFPI-K8S-5',
    statement: 'Kubernetes Deployment is not covered by a PodDisruptionBudget',
    fix: 'add a kubernetes_pod_disruption_budget_v1 in its namespace whose selector.match_labels select its pod labels',
    resourceTypes: ['kubernetes_deployment_v1'],
    check: (a, context) => {
      const labels = labelsOf(block(block(block(a.spec).template).metadata).labels);
      const namespace = block(a.metadata).namespace;
      return context.ofType('kubernetes_pod_disruption_budget_v1').some((pdb) => {
        const selector = labelsOf(block(block(pdb.attributes.spec).selector).match_labels);
        const entries = Object.entries(selector);
        return (
          block(pdb.attributes.metadata).namespace === namespace &&
          entries.length > 0 &&
          entries.every(([k, v]) => labels[k] === v)
        );
      });
    },
  },
  {
    id: 'AFPI-K8S-6',
    statement: 'Kubernetes service account has no Workload Identity annotation',
    fix: 'annotate it with iam.gke.io/gcp-service-account = <its Google service account email> (constructs/workload-identity.ts)',
    resourceTypes: ['kubernetes_service_account_v1'],
    check: (a) =>
      /\S+@\S+\.iam\.gserviceaccount\.com$|^\$\{google_service_account\./.test(
        String(labelsOf(block(a.metadata).annotations)['iam.gke.io/gcp-service-account'] ?? ''),
      ),
  },
  {
    id: 'AFPI-K8S-7',
    statement: 'HorizontalPodAutoscalers sharing a GPU pool can scale beyond its nodes',
    fix: "lower the models' maxReplicas so their sum per accelerator stays within the pool's node ceiling (one replica takes a node; engines roll without a surge pod), or raise the pool's maxNodes",
    resourceTypes: HELM,
    // Autopilot provisions nodes per pod: no pool to bound by.
    appliesTo: (a, context) =>
      autoscalersOf(a).length > 0 &&
      !context.ofType('google_container_cluster').some((c) => isTrue(c.attributes.enable_autopilot)),
    // Every release's autoscalers on one accelerator share its pools: summed in resource order, so the release
    // that takes the sum over the ceiling is the one reported.
    check: (a, context) => {
      const nodes = poolNodesByTarget(context);
      const releases = context.ofType(...HELM).map((r) => r.attributes);
      const used = new Map<string, number>();
      for (const other of releases.slice(0, Math.max(releases.indexOf(a), 0))) {
        for (const h of autoscalersOf(other)) {
          if (h.accelerator) used.set(h.accelerator, (used.get(h.accelerator) ?? 0) + h.maxReplicas);
        }
      }
      return autoscalersOf(a).flatMap((h) => {
        const ceiling = h.accelerator ? nodes.get(h.accelerator) : undefined;
        if (ceiling === undefined)
          return [`${h.name}: no GPU pool carries ${h.accelerator ?? 'its accelerator'}`];
        const others = used.get(h.accelerator!) ?? 0;
        used.set(h.accelerator!, others + h.maxReplicas);
        const sum = others > 0 ? ` + ${others} of other autoscalers on the pool` : '';
        return others + h.maxReplicas > ceiling
          ? [`${h.name}: maxReplicas ${h.maxReplicas}${sum} > ${ceiling} ${h.accelerator} nodes`]
          : [];
      });
    },
  },
  {
    id: 'AFPI-K8S-8',
    statement:
      'GPU workload has fewer than two ways to get capacity (one stockout or quota limit leaves it Pending)',
    fix: `select a custom compute class whose priorities list at least ${MIN_CAPACITY_OPTIONS} capacity options: set the pool's gke capacity list (e.g. [on-demand, spot]); the inference stack installs the class (charts/compute-classes) and the engines select it`,
    resourceTypes: HELM,
    appliesTo: (a) => gpuWorkloadsOf(a).length > 0,
    check: (a, context) => {
      const classes = computeClassPriorities(context);
      return gpuWorkloadsOf(a).flatMap((w) => {
        if (!w.computeClass) return [`${w.name}: selects no compute class (one node pool, one way)`];
        const count = classes.get(w.computeClass);
        if (count === undefined)
          return [`${w.name}: compute class ${w.computeClass} is installed by no release`];
        return count < MIN_CAPACITY_OPTIONS
          ? [`${w.name}: compute class ${w.computeClass} has ${count} priority`]
          : [];
      });
    },
  },
];

export const helmRules: Rule[] = [
  {
    id: 'AFPI-HELM-1',
    statement: 'Helm release is not atomic: a failed upgrade stays half applied',
    fix: 'set atomic = true',
    resourceTypes: HELM,
    check: (a) => isTrue(a.atomic),
  },
  {
    id: 'AFPI-HELM-2',
    statement: 'Helm release does not wait for ready pods within an explicit timeout',
    fix: 'leave wait on and set timeout from the engine timing budget (inference/timing-budget.ts)',
    resourceTypes: HELM,
    check: (a) => a.wait !== false && a.wait !== 'false' && Number(a.timeout) > 0,
  },
  {
    id: 'AFPI-HELM-3',
    statement: 'Helm release does not clean up what a failed install created',
    fix: 'set cleanup_on_fail = true',
    resourceTypes: HELM,
    check: (a) => isTrue(a.cleanup_on_fail),
  },
  {
    id: 'AFPI-HELM-4',
    statement: 'Helm release from a chart repository has no pinned chart version',
    fix: 'set version to an exact released version, e.g. "0.1.12" (no range, no floating version)',
    resourceTypes: HELM,
    appliesTo: (a) => typeof a.repository === 'string' && a.repository !== '',
    check: (a) => typeof a.version === 'string' && /^v?\d+\.\d+\.\d+(-[\w.]+)?$/.test(a.version),
  },
  {
    id: 'AFPI-HELM-5',
    statement: 'Helm release values run an image that is not pinned by tag or digest',
    fix: 'pin every image in the values (repository + tag, or image) to a release tag or a digest, never latest',
    resourceTypes: HELM,
    check: (a) =>
      valuesNodes(a).flatMap(([at, node]) => {
        if (!isMap(node)) return [];
        // A repository without a tag renders the chart's default tag (vllm-stack: "latest").
        if (typeof node.repository === 'string' && !('tag' in node)) {
          return [`${at || '(root)'}: ${node.repository} without a tag (the chart's default applies)`];
        }
        if (typeof node.repository === 'string') {
          const image = String(node.tag).startsWith('@')
            ? `${node.repository}${node.tag}`
            : `${node.repository}:${node.tag}`;
          return pinnedImage(image) ? [] : [`${at || '(root)'}: ${image}`];
        }
        return typeof node.image === 'string' && !pinnedImage(node.image)
          ? [`${at}.image: ${node.image}`]
          : [];
      }),
  },
  {
    id: 'AFPI-HELM-6',
    statement: 'Helm release values make a pod privileged, share a host namespace or mount a hostPath',
    fix: 'remove privileged, hostNetwork, hostPID, hostIPC, hostPath and lmcacheConfig.enablePD from the values',
    resourceTypes: HELM,
    check: (a) =>
      valuesNodes(a).flatMap(([at, node]) =>
        isMap(node)
          ? [
              ...['privileged', 'hostNetwork', 'hostPID', 'hostIPC']
                .filter((k) => node[k] === true)
                .map((k) => `${at}.${k}`),
              // vllm-stack renders hostIPC and hostPID on the engine pod for prefill/decode disaggregation.
              ...(node.enablePD === true ? [`${at}.enablePD (the chart sets hostIPC and hostPID)`] : []),
              ...(isMap(node.hostPath) ? [`${at}.hostPath`] : []),
            ]
          : [],
      ),
  },
  {
    id: 'AFPI-HELM-7',
    statement: 'Helm release values leave a container without CPU and memory requests or a memory limit',
    fix: 'set resources.requests.cpu/memory and resources.limits.memory (vllm-stack modelSpec: requestCPU, requestMemory, limitMemory)',
    resourceTypes: HELM,
    check: (a) =>
      valuesOf(a).flatMap((doc) => [
        ...walk(doc)
          .filter(([at, node]) => at.endsWith('resources') && isMap(node))
          .flatMap(([at, r]) =>
            r.requests?.cpu && r.requests?.memory && r.limits?.memory
              ? []
              : [`${at}: requests.cpu, requests.memory and limits.memory`],
          ),
        ...(doc.servingEngineSpec?.modelSpec ?? []).flatMap((m: Values) =>
          m.requestCPU && m.requestMemory && m.limitMemory
            ? []
            : [`servingEngineSpec.modelSpec ${m.name}: requestCPU, requestMemory and limitMemory`],
        ),
      ]),
  },
  {
    id: 'AFPI-HELM-8',
    statement: 'Helm release values turn off the PodDisruptionBudget of a model server or router',
    fix: 'set pdb.enabled = true with maxUnavailable 1 (vllm-stack: every modelSpec entry and routerSpec; TGI: pdb): drains take one replica at a time; a single-replica model stays evictable so in-place GPU node upgrades are not blocked',
    resourceTypes: HELM,
    check: (a) =>
      valuesOf(a).flatMap((doc) => [
        ...walk(doc)
          .filter(([at, node]) => at.endsWith('pdb') && isMap(node) && node.enabled !== true)
          .map(([at]) => `${at}.enabled is not true`),
        ...(doc.servingEngineSpec?.modelSpec ?? [])
          .filter((m: Values) => !isMap(m.pdb))
          .map((m: Values) => `servingEngineSpec.modelSpec ${m.name}: no pdb`),
        ...(isMap(doc.routerSpec) && !isMap(doc.routerSpec.pdb) ? ['routerSpec: no pdb'] : []),
      ]),
  },
];
