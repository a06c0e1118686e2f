/**
 * `npm run plan:offline`: every stack of every environment (each at its own tier) and of the default environment
 * at every tier, planned by Terraform with the real providers, placeholder credentials, a local backend and no
 * network. Each plan folder `cdktf.out.plan/<env>[-<tier>]/stacks/<stack>/` keeps the generated
 * `offline.tftest.hcl` and the plan as JSON (`plan.json`, what `terraform show -json` prints).
 * Stacks are planned upstream first: a stack's `terraform_remote_state` reads get the upstream's planned outputs,
 * with placeholders in the provider's own formats for values known only after apply.
 *
 * Options: --env <env> [--tier <tier>] and --stack <stack> pick a part of the matrix; --prove-assertions plans with
 * every assertion's expected value broken and fails unless every assertion then fails.
 * Environment: AFPI_TF_PROVIDERS (provider mirror), AFPI_VLLM_CHART / AFPI_SHARED_DIR (the vllm-stack tgz; default
 * ../shared/charts), AFPI_PLAN_JOBS (parallel terraform processes, default 2).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { summarize, synthesize } from '../app/synthesize';
import { DEFAULT_ENV, listEnvironments, loadEnvironment, TIERS_DIR } from '../config/load';
import { repoRoot } from '../config/paths';
import { EnvironmentConfig, StackId } from '../config/schema';
import { VLLM_CHART } from '../inference/values';
import { findChartPackage } from './chart-contract';
import { googleDataFixture } from './offline-plan/google-data-fixture';
import { AttributeOf, placeholder } from './offline-plan/placeholders';
import { assertsFor, broken, OverrideData, renderTestFile, SynthesizedStack } from './offline-plan/test-file';
import { fillPluginCache, findProviders, terraformEnv, writeCliConfig } from './terraform-cli-config';

const OUT_ROOT = path.join(repoRoot, 'cdktf.out.plan');

interface Variant {
  /** `<env>` or `<env>-<tier>`. */
  readonly label: string;
  readonly config: EnvironmentConfig;
}

interface StackPlan {
  readonly variant: Variant;
  readonly stack: StackId;
  readonly dir: string;
  readonly dependencies: string[];
}

interface Outcome {
  readonly ok: boolean;
  readonly toAdd: number;
  readonly seconds: number;
  /** Terraform's own output on failure. */
  readonly error?: string;
  /** Planned outputs (placeholders for values unknown until apply), for downstream stacks. */
  readonly outputs?: Record<string, unknown>;
  /** Asserts that failed as they should with their expected values broken (--prove-assertions). */
  readonly provedAsserts?: number;
  /** Terraform's warnings, verbatim. */
  readonly warnings?: string[];
}

interface Options {
  env?: string;
  tier?: string;
  stack?: string;
  prove: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { prove: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--prove-assertions') options.prove = true;
    else if (arg === '--env' || arg === '--tier' || arg === '--stack') {
      const value = argv[++i];
      if (!value) throw new Error(`${arg} needs a value`);
      options[arg.slice(2) as 'env' | 'tier' | 'stack'] = value;
    } else
      throw new Error(
        `unknown argument ${arg}. Usage: plan:offline [--env <env> [--tier <tier>]] [--stack <stack>] [--prove-assertions]`,
      );
  }
  return options;
}

/** Every environment at its own tier, then the default environment at each other tier. */
function variants(options: Options): Variant[] {
  const tiers = fs.readdirSync(TIERS_DIR).flatMap((f) => (f.endsWith('.yaml') ? [f.slice(0, -5)] : []));
  const all: Variant[] = listEnvironments().map((env) => ({
    label: env,
    config: loadEnvironment(env).config,
  }));
  const ownTier = all.find((v) => v.label === DEFAULT_ENV)?.config.tier;
  for (const tier of tiers.filter((t) => t !== ownTier)) {
    all.push({ label: `${DEFAULT_ENV}-${tier}`, config: loadEnvironment(DEFAULT_ENV, { tier }).config });
  }
  const picked = all.filter(
    (v) =>
      (!options.env || v.config.env === options.env) &&
      (options.tier ? v.config.tier === options.tier : !options.env || v.label === options.env),
  );
  if (picked.length === 0) {
    throw new Error(
      `no environment matches --env ${options.env ?? ''} --tier ${options.tier ?? ''}. Fix: use one of ${all.map((v) => `${v.config.env} --tier ${v.config.tier}`).join(', ')}`,
    );
  }
  return picked;
}

function run(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 512 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ ok: !err, stdout, stderr }),
    );
  });
}

const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
const REFERENCE = /^\$\{([a-z0-9_]+)\.([^.]+)\.([^}]+)\}$/;

interface PlannedResource {
  address: string;
  change: {
    actions: string[];
    after: Record<string, unknown> | null;
    after_unknown: Record<string, unknown>;
  };
}

/** The parts of a stack's cdk.tf.json the harness reads. */
interface StackJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, unknown>>;
  readonly output?: Record<string, { value: string }>;
  readonly terraform?: { backend?: { gcs?: { prefix?: string } }; required_providers?: unknown };
}

/** The stack's cross-stack outputs as planned, with a placeholder in the provider's format for each unknown one. */
function plannedOutputs(
  plan: Record<string, unknown>,
  tf: StackJson,
  config: EnvironmentConfig,
): Record<string, unknown> {
  const changes = (plan.resource_changes ?? []) as PlannedResource[];
  const byAddress = new Map(changes.map((c) => [c.address, c]));
  const valueOf = (type: string, name: string, attribute: string): unknown => {
    const change = byAddress.get(`${type}.${name}`)?.change;
    const known = change?.after?.[attribute];
    if (known !== undefined && known !== null && change?.after_unknown?.[attribute] !== true) return known;
    return placeholder(type, attribute, attributeOf(type, name), config);
  };
  const attributeOf =
    (type: string, name: string): AttributeOf =>
    (attribute) => {
      const change = byAddress.get(`${type}.${name}`)?.change;
      const known = change?.after?.[attribute];
      if (known !== undefined && known !== null && change?.after_unknown?.[attribute] !== true) return known;
      const ref = REFERENCE.exec(String(tf.resource?.[type]?.[name]?.[attribute] ?? ''));
      return ref ? valueOf(ref[1], ref[2], ref[3]) : undefined;
    };
  const outputs: Record<string, unknown> = {};
  const changesOut = (plan.output_changes ?? {}) as Record<
    string,
    { after?: unknown; after_unknown?: unknown }
  >;
  for (const [name, output] of Object.entries(tf.output ?? {})) {
    // What downstream stacks read through terraform_remote_state (cdktf's cross-stack references).
    if (!name.startsWith('cross-stack-output-')) continue;
    const change = changesOut[name];
    if (
      change &&
      change.after_unknown !== true &&
      !JSON.stringify(change.after_unknown ?? false).includes('true')
    ) {
      outputs[name] = change.after;
      continue;
    }
    const ref = REFERENCE.exec(output.value);
    if (!ref)
      throw new Error(`output ${name} (${output.value}) is unknown until apply and not a resource attribute`);
    outputs[name] = valueOf(ref[1], ref[2], ref[3]);
  }
  return outputs;
}

/**
 * The override files that make the folder plan offline: the local backend, and for each release from a chart
 * repository its published package (chart-contract's findChartPackage: AFPI_VLLM_CHART, AFPI_SHARED_DIR or
 * ../shared/charts), test-only. A release with no local copy plans from its repository (needs the network).
 * Returns where each such release's chart comes from.
 */
function writeOverrides(dir: string, tf: StackJson): string[] {
  fs.writeFileSync(path.join(dir, 'backend_override.tf.json'), '{"terraform":{"backend":{"local":{}}}}\n');
  const fromRepository = Object.entries(
    (tf.resource?.helm_release ?? {}) as Record<
      string,
      { chart: string; repository?: string; version: string }
    >,
  ).filter(([, r]) => r.repository);
  const release: Record<string, unknown> = {};
  const sources = fromRepository.map(([name, r]) => {
    const tgz = findChartPackage(r.chart, r.version);
    if (!tgz) return `${r.chart} ${r.version} from ${r.repository}`;
    release[name] = { chart: tgz, repository: null };
    return `${r.chart} ${r.version} from ${tgz}`;
  });
  if (Object.keys(release).length > 0) {
    fs.writeFileSync(
      path.join(dir, 'chart_override.tf.json'),
      `${JSON.stringify({ resource: { helm_release: release } }, null, 2)}\n`,
    );
  }
  return sources;
}

async function planStack(
  target: StackPlan,
  upstream: Map<string, Record<string, unknown>>,
  env: NodeJS.ProcessEnv,
  providers: string,
  prove: boolean,
): Promise<Outcome> {
  const started = Date.now();
  const seconds = () => (Date.now() - started) / 1000;
  const failed = (error: string): Outcome => ({ ok: false, toAdd: 0, seconds: seconds(), error });
  const { dir, variant, stack } = target;
  const config = variant.config;
  const tf: StackJson = readJson(path.join(dir, 'cdk.tf.json'));
  const prefix = tf.terraform?.backend?.gcs?.prefix;
  if (stack !== 'state' && prefix !== `${config.env}/${stack}`) {
    return failed(
      `backend prefix is ${JSON.stringify(prefix)}, expected "${config.env}/${stack}" (<env>/<stack>)`,
    );
  }
  writeOverrides(dir, tf);

  const fixture = googleDataFixture(config);
  const overrides: OverrideData[] = [];
  for (const [type, byName] of Object.entries(tf.data ?? {})) {
    for (const name of Object.keys(byName)) {
      if (type === 'terraform_remote_state') {
        const from = name.replace(/^cross-stack-reference-input-/, '');
        const outputs = upstream.get(from);
        if (!outputs) return failed(`reads the state of ${from}, whose offline plan has no outputs`);
        overrides.push({ target: `data.${type}.${name}`, values: { outputs } });
      } else if (fixture[type]) {
        overrides.push({ target: `data.${type}.${name}`, values: fixture[type] });
      } else {
        return failed(
          `data.${type}.${name}: no fixture. Fix: add ${type} to scripts/offline-plan/google-data-fixture.ts`,
        );
      }
    }
  }
  const asserts = assertsFor(stack, config, tf as SynthesizedStack, prove ? broken : undefined);
  const proveNote = prove
    ? '# --prove-assertions: every expected value is deliberately broken; each assert must fail.\n'
    : '';
  fs.writeFileSync(path.join(dir, 'offline.tftest.hcl'), proveNote + renderTestFile(overrides, asserts));

  // A folder initialised from the same provider source for the same providers (the stamp) needs no new init;
  // another source's lock file would not match (mirror and registry builds differ in checksums).
  const stamp = path.join(dir, '.terraform', 'afpi-provider-source');
  const stampText = `${providers}\n${JSON.stringify(tf.terraform?.required_providers)}`;
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== stampText) {
    fs.rmSync(path.join(dir, '.terraform.lock.hcl'), { force: true });
    const init = await run('terraform', ['init', '-input=false', '-no-color'], dir, env);
    if (!init.ok) return failed(`terraform init failed:\n${init.stdout}${init.stderr}`);
    fs.writeFileSync(stamp, stampText);
  }
  const test = await run('terraform', ['test', '-json', '-verbose', '-no-color'], dir, env);
  let plan: Record<string, unknown> | undefined;
  let assertFailures = 0;
  const warnings: string[] = [];
  for (const line of test.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const message = JSON.parse(line);
    if (message.type === 'test_plan') plan = message.test_plan;
    if (message.type === 'diagnostic' && message.diagnostic?.summary === 'Test assertion failed')
      assertFailures++;
    if (message.type === 'diagnostic' && message.diagnostic?.severity === 'warning') {
      const d = message.diagnostic;
      warnings.push(`Warning: ${d.summary}${d.address ? ` (${d.address})` : ''}\n${d.detail ?? ''}`.trim());
    }
  }
  if (!plan) {
    // Terraform's own words: the same test without -json.
    const again = await run('terraform', ['test', '-no-color'], dir, env);
    return failed(`${again.stdout}${again.stderr}`.trim());
  }
  delete plan.provider_schemas;
  fs.writeFileSync(path.join(dir, 'plan.json'), `${JSON.stringify(plan, null, 1)}\n`);
  const toAdd = ((plan.resource_changes ?? []) as PlannedResource[]).filter((c) =>
    c.change.actions.includes('create'),
  ).length;
  if (prove) {
    const held = asserts.length - assertFailures;
    if (held > 0) {
      const again = await run('terraform', ['test', '-no-color'], dir, env);
      return failed(
        `${held} of ${asserts.length} asserts held with their expected value broken:\n${again.stdout}`,
      );
    }
  } else if (!test.ok) {
    const again = await run('terraform', ['test', '-no-color'], dir, env);
    return failed(`${again.stdout}${again.stderr}`.trim());
  }
  try {
    return {
      ok: true,
      toAdd,
      seconds: seconds(),
      outputs: plannedOutputs(plan, tf, config),
      provedAsserts: asserts.length,
      warnings,
    };
  } catch (err) {
    return failed((err as Error).message);
  }
}

/** Runs every stack plan once its upstream stacks (same variant) are done, at most `jobs` at a time. */
async function schedule(
  targets: StackPlan[],
  jobs: number,
  work: (t: StackPlan, upstream: Map<string, Record<string, unknown>>) => Promise<Outcome>,
  report: (t: StackPlan, o: Outcome) => void,
): Promise<Map<StackPlan, Outcome>> {
  const done = new Map<StackPlan, Outcome>();
  const started = new Set<StackPlan>();
  const outputsOf = (variant: Variant) =>
    new Map(
      [...done]
        .filter(([t, o]) => t.variant === variant && o.outputs)
        .map(([t, o]) => [t.stack as string, o.outputs!]),
    );
  const upstreamDone = (t: StackPlan) =>
    t.dependencies.every((dep) => {
      const up = targets.find((u) => u.variant === t.variant && u.stack === dep);
      return !up || done.has(up);
    });
  return new Promise((resolve) => {
    const next = () => {
      if (done.size === targets.length) return resolve(done);
      while (started.size - done.size < jobs) {
        const ready = targets.find((t) => !started.has(t) && upstreamDone(t));
        if (!ready) break;
        started.add(ready);
        const blocked = ready.dependencies.filter((dep) => {
          const up = targets.find((u) => u.variant === ready.variant && u.stack === dep);
          return up && !done.get(up)?.ok;
        });
        const outcome: Promise<Outcome> = blocked.length
          ? Promise.resolve({
              ok: false,
              toAdd: 0,
              seconds: 0,
              error: `not planned: upstream ${blocked.join(', ')} failed`,
            })
          : work(ready, outputsOf(ready.variant));
        void outcome.then((o) => {
          done.set(ready, o);
          report(ready, o);
          next();
        });
      }
    };
    next();
  });
}

async function main(argv: string[]): Promise<number> {
  const started = Date.now();
  const options = parseArgs(argv);
  const picked = variants(options);
  const source = findProviders();
  const cli = writeCliConfig(
    path.join(OUT_ROOT, 'terraform.rc'),
    source,
    path.join(OUT_ROOT, '.plugin-cache'),
  );
  const vllmVersion = picked.find((v) => v.config.inference)?.config.inference?.vllmChartVersion;
  const vllmChart = vllmVersion && findChartPackage(VLLM_CHART, vllmVersion);
  const env = terraformEnv(cli, { GOOGLE_OAUTH_ACCESS_TOKEN: 'offline-plan-placeholder-token' });
  delete env.GOOGLE_APPLICATION_CREDENTIALS;
  delete env.GOOGLE_CREDENTIALS;

  const targets: StackPlan[] = [];
  for (const variant of picked) {
    const outdir = path.join(OUT_ROOT, variant.label);
    synthesize(variant.config, outdir);
    const manifest = readJson(path.join(outdir, 'manifest.json'));
    for (const s of summarize(outdir)) {
      targets.push({
        variant,
        stack: s.id as StackId,
        dir: path.dirname(s.file),
        dependencies: manifest.stacks[s.id].dependencies ?? [],
      });
    }
  }
  // --stack plans that stack's upstream stacks too: their outputs feed it.
  const needed = new Set<StackPlan>();
  const want = (t: StackPlan) => {
    if (needed.has(t)) return;
    needed.add(t);
    for (const dep of t.dependencies) {
      const up = targets.find((u) => u.variant === t.variant && u.stack === dep);
      if (up) want(up);
    }
  };
  targets.filter((t) => !options.stack || t.stack === options.stack).forEach(want);
  if (needed.size === 0)
    throw new Error(`no stack ${options.stack} in ${picked.map((v) => v.label).join(', ')}`);
  const plans = targets.filter((t) => needed.has(t));
  console.log(
    `plan:offline: ${cli.describe}; synthesized ${picked.map((v) => v.label).join(', ')} in ${((Date.now() - started) / 1000).toFixed(1)} s; vllm-stack chart from ${vllmChart || 'its chart repository (no local copy)'}`,
  );

  const required = plans.map((t) => readJson(path.join(t.dir, 'cdk.tf.json')).terraform?.required_providers);
  const warm = await fillPluginCache(cli, required, env);
  if (warm) {
    console.log(`plan:offline: terraform init of the providers failed:\n${warm.replace(/^/gm, '    ')}`);
    return 1;
  }
  const jobs = Number(process.env.AFPI_PLAN_JOBS) || 2;
  const results = await schedule(
    plans,
    jobs,
    (t, upstream) => planStack(t, upstream, env, cli.file + cli.describe, options.prove),
    (t, o) => {
      const where = `${t.variant.label.padEnd(15)} ${t.stack.padEnd(14)}`;
      const time = `${o.seconds.toFixed(1)} s`;
      if (!o.ok) {
        console.log(`${where} FAILED (${path.relative(repoRoot, t.dir)}, ${time})`);
        console.log(o.error!.replace(/^/gm, '    '));
      } else if (options.prove)
        console.log(`${where} ok, all ${o.provedAsserts} asserts fail when broken, ${time}`);
      else console.log(`${where} ok, ${o.toAdd} to add, ${time}`);
      if (o.ok && o.warnings?.length) console.log([...new Set(o.warnings)].join('\n').replace(/^/gm, '    '));
    },
  );
  const failed = [...results.values()].filter((o) => !o.ok).length;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`plan:offline: ${results.size - failed} ok, ${failed} failed, ${seconds} s`);
  return failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(`plan:offline: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
