import { listEnvironments } from '../config/load';
import { synthEnvironment, SynthesizedStack } from './support/synth';

/** Kubernetes label values (apimachinery validation.IsValidLabelValue): 63 characters at most. */
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
/** Where a Terraform kubernetes_* resource carries label maps: object labels and every kind of selector. */
const LABEL_KEYS = new Set(['labels', 'match_labels', 'selector', 'node_selector']);

/** `path: value` of every label-map string value in `node` that is not a valid label value. */
function badLabelValues(node: unknown, path: string, inLabels = false): string[] {
  if (typeof node === 'string') {
    // "${...}" is a Terraform reference, resolved before the API sees it.
    const valid = node.startsWith('${') || (node.length <= 63 && LABEL_VALUE.test(node));
    return inLabels && !valid ? [`${path}: ${node}`] : [];
  }
  if (Array.isArray(node)) return node.flatMap((v, i) => badLabelValues(v, `${path}[${i}]`, inLabels));
  if (node && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) =>
      badLabelValues(v, `${path}.${k}`, inLabels || LABEL_KEYS.has(k)),
    );
  }
  return [];
}

function kubernetesResources(stack: SynthesizedStack): [string, unknown][] {
  return Object.entries(stack.resource ?? {})
    .filter(([type]) => type.startsWith('kubernetes_'))
    .flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, r]) => [`${type}.${name}`, r] as [string, unknown]),
    );
}

describe('labels and selectors of the Kubernetes objects Terraform creates', () => {
  // Helm templates ({{ .Release.Name }}) work only inside a chart; Terraform sends the string as it is and the
  // API server rejects it (422), or the selector matches no pod.
  it.each(listEnvironments())('are valid label values, never templates, in %s', (env) => {
    const app = synthEnvironment(env);
    const resources = Object.values(app).flatMap((stack) => kubernetesResources(stack!));
    const bad = resources.flatMap(([address, r]) => badLabelValues(r, address));
    expect(bad).toEqual([]);
    expect(JSON.stringify(resources)).not.toContain('{{');
  });

  it('would catch a chart template in a selector', () => {
    const policy = {
      spec: { pod_selector: { match_labels: { 'app.kubernetes.io/instance': '{{ .Release.Name }}' } } },
    };
    expect(badLabelValues(policy, 'p')).toEqual([
      'p.spec.pod_selector.match_labels.app.kubernetes.io/instance: {{ .Release.Name }}',
    ]);
  });
});
