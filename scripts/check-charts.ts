/**
 * `npm run check:charts`: for every environment, every Helm release of a chart of our own (charts/<name>) in
 * the synthesized inference stack is checked with the values the app generates (the release's `values`,
 * read from cdktf.out.charts/<env>): `helm lint --strict`, `helm template`, and the rendered manifests against
 * the Kubernetes JSON schemas of GKE's version, offline, with `kubernetes-validate --strict`.
 * Terraform references in the values (bucket, addresses, names that other resources own) become fixed
 * placeholders, printed once. Exits 1 on any finding.
 * Needs: helm (scripts/tools/helm.sh) and kubernetes-validate (scripts/tools/python-tools.sh).
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { repoRoot } from '../config/paths';
import { synthAllOrReport } from './synth-all';

const OUT_ROOT = path.join(repoRoot, 'cdktf.out.charts');
const TOOLS = path.join(repoRoot, 'scripts', 'tools');
/** GKE's regular release channel. */
const KUBERNETES_VERSION = '1.33.0';

/** Custom resources: kubernetes-validate ships schemas for built-in kinds only. */
const CRD_KINDS: Record<string, string> = {
  'monitoring.googleapis.com/v1 PodMonitoring': 'Google Managed Prometheus CRD',
  'secrets-store.csi.x-k8s.io/v1 SecretProviderClass': 'Secrets Store CSI driver CRD',
};

interface HelmRelease {
  readonly name: string;
  readonly chart: string;
  readonly repository?: string;
  readonly namespace?: string;
  readonly values?: string[];
}

/** Prints a tool's path from its install script (which installs it when missing). */
function tool(script: string): string {
  return execFileSync(path.join(TOOLS, script), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/**
 * Replaces each Terraform reference (`${...}`) with a placeholder a Kubernetes field accepts: an address for
 * `...address` outputs, a DNS label otherwise. The same reference always gets the same placeholder.
 */
class Placeholders {
  readonly used = new Map<string, string>();

  replace(text: string): string {
    return text.replace(/\$\{([^}]*)\}/g, (_, ref: string) => {
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

function run(cmd: string, args: string[]): { ok: boolean; output: string; stdout: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.trim(), stdout: r.stdout };
}

const indent = (text: string) => text.replace(/^/gm, '    ');

interface CheckResult {
  readonly ok: boolean;
  readonly lines: string[];
}

/** Lints, renders and schema-checks one release; `valuesFiles` hold its values with placeholders. */
function checkRelease(
  helm: string,
  kubeValidate: string,
  chartDir: string,
  release: string,
  namespace: string,
  valuesFiles: string[],
  work: string,
): CheckResult {
  const lines: string[] = [];
  const values = valuesFiles.flatMap((f) => ['-f', f]);
  const kube = ['--namespace', namespace, '--kube-version', KUBERNETES_VERSION];
  const lint = run(helm, ['lint', '--strict', chartDir, ...values, ...kube]);
  if (!lint.ok) return { ok: false, lines: ['helm lint failed:', indent(lint.output)] };
  lines.push('helm lint ok');

  const template = run(helm, ['template', release, chartDir, ...values, ...kube]);
  if (!template.ok) return { ok: false, lines: [...lines, 'helm template failed:', indent(template.output)] };

  const docs = parseAllDocuments(template.stdout)
    .map((d) => d.toJS() as { apiVersion?: string; kind?: string; metadata?: { name?: string } } | null)
    .filter((d): d is NonNullable<typeof d> => d !== null);
  const checked = docs.filter((d) => !CRD_KINDS[`${d.apiVersion} ${d.kind}`]);
  const skipped = docs.filter((d) => CRD_KINDS[`${d.apiVersion} ${d.kind}`]);
  lines.push(`helm template ok: ${docs.map((d) => d.kind).join(', ')}`);
  for (const d of skipped) {
    lines.push(
      `schema check skipped for ${d.kind} ${d.metadata?.name} (${d.apiVersion}): ${CRD_KINDS[`${d.apiVersion} ${d.kind}`]}, no schema offline`,
    );
  }
  const manifests = path.join(work, `${release}.yaml`);
  fs.writeFileSync(manifests, checked.map((d) => stringifyYaml(d)).join('---\n'));
  const validate = run(kubeValidate, ['--strict', '--quiet', '-k', KUBERNETES_VERSION, manifests]);
  // --quiet prints only findings; warnings (deprecated APIs, for example) count as findings too.
  if (!validate.ok || validate.output !== '') {
    return {
      ok: false,
      lines: [
        ...lines,
        `kubernetes-validate --strict -k ${KUBERNETES_VERSION} failed:`,
        indent(validate.output),
      ],
    };
  }
  lines.push(`kubernetes-validate --strict -k ${KUBERNETES_VERSION} ok: ${checked.length} manifests`);
  return { ok: true, lines };
}

function main(): number {
  const started = Date.now();
  let helm: string;
  let kubeValidate: string;
  try {
    helm = tool('helm.sh');
    kubeValidate = path.join(tool('python-tools.sh'), 'kubernetes-validate');
  } catch {
    console.error('check-charts: installing helm or kubernetes-validate failed (see above)');
    return 1;
  }
  const envs = synthAllOrReport(OUT_ROOT, 'check-charts');
  if (!envs) return 1;

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'afpi-charts-'));
  const placeholders = new Placeholders();
  let failed = 0;
  let checked = 0;
  try {
    for (const e of envs) {
      const inference = e.stacks.find((s) => s.id === 'inference');
      if (!inference) {
        console.log(`${e.env.padEnd(8)} no inference stack (tier ${e.config.tier}): nothing to check`);
        continue;
      }
      const stackDir = path.dirname(inference.file);
      const tf = JSON.parse(fs.readFileSync(inference.file, 'utf8'));
      const releases = Object.values((tf.resource?.helm_release ?? {}) as Record<string, HelmRelease>);
      for (const r of releases) {
        if (r.repository) {
          console.log(
            `${e.env.padEnd(8)} ${r.name}: upstream chart ${r.chart} from ${r.repository}, not ours: not checked`,
          );
          continue;
        }
        const chartName = (
          parseYaml(fs.readFileSync(path.join(stackDir, r.chart, 'Chart.yaml'), 'utf8')) as { name: string }
        ).name;
        const chartDir = path.join(repoRoot, 'charts', chartName);
        if (!fs.existsSync(chartDir)) throw new Error(`${r.name}: chart "${chartName}" is not under charts/`);
        // One -f file per entry of the release's values list: helm merges them in order, as the provider does.
        const valuesFiles = (r.values ?? []).map((v, i) => {
          const file = path.join(work, `${e.env}-${r.name}.values-${i}.yaml`);
          fs.writeFileSync(file, stringifyYaml(placeholders.replaceIn(parseYaml(v))));
          return file;
        });
        const namespace = placeholders.replace(r.namespace ?? 'default');
        const result = checkRelease(helm, kubeValidate, chartDir, r.name, namespace, valuesFiles, work);
        checked++;
        console.log(`${e.env.padEnd(8)} ${r.name} (charts/${chartName}): ${result.ok ? 'ok' : 'FAILED'}`);
        for (const line of result.lines) console.log(`    ${line}`);
        if (!result.ok) failed++;
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (placeholders.used.size > 0) {
    console.log('Terraform references in the values were replaced by placeholders:');
    for (const [ref, value] of placeholders.used) console.log(`    ${value.padEnd(14)} \${${ref}}`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`chart checks: ${checked - failed} ok, ${failed} failed, ${seconds} s`);
  return failed > 0 || checked === 0 ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
