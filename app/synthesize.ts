import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdktf';
import { EnvironmentConfig, STACK_IDS } from '../config/schema';
import { PolicyReport, StackPolicy, stackPolicy } from '../policy/findings';
import { checkPolicy, checkSynthesizedPolicy, PolicyPack } from '../policy/policy-pack';
import { buildApp } from './build-app';

export interface StackSummary {
  readonly id: string;
  readonly resources: number;
  readonly dataSources: number;
  readonly outputs: number;
  readonly file: string;
  /** Policy checks passed and suppressed findings; set by synthesize. */
  readonly policy?: StackPolicy;
}

interface Manifest {
  stacks: Record<string, { workingDirectory: string; synthesizedStackPath: string }>;
}

function count(block: Record<string, Record<string, unknown>> | undefined): number {
  return Object.values(block ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
}

/** Reads what a synth wrote: one summary per stack, from the manifest and each stack's Terraform JSON. */
export function summarize(outdir: string): StackSummary[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as Manifest;
  const deployOrder = (id: string) => (STACK_IDS as readonly string[]).indexOf(id);
  const stacks = Object.entries(manifest.stacks).sort(([a], [b]) => deployOrder(a) - deployOrder(b));
  return stacks.map(([id, stack]) => {
    const file = path.join(outdir, stack.synthesizedStackPath);
    const text = fs.readFileSync(file, 'utf8');
    if (!file.endsWith('.json')) {
      // `cdktf synth --hcl` writes cdk.tf: count the top-level blocks.
      const blocks = (kind: string) => (text.match(new RegExp(`^${kind} "`, 'gm')) ?? []).length;
      return {
        id,
        resources: blocks('resource'),
        dataSources: blocks('data'),
        outputs: blocks('output'),
        file,
      };
    }
    const tf = JSON.parse(text);
    return {
      id,
      resources: count(tf.resource),
      dataSources: count(tf.data),
      outputs: Object.keys(tf.output ?? {}).length,
      file,
    };
  });
}

/**
 * Runs `work` with stack-trace capturing and formatting turned off. cdktf and constructs record a full stack
 * trace for every token and annotation they create (shown only in cdktf's own token errors) by calling
 * `Error.captureStackTrace` on a `{ stack: '' }` object; walking and formatting those stacks is about a tenth of
 * a synth, and skipped they stay empty, as formatted-away ones did. Errors still get their stack: `new Error`
 * captures it natively (not through `Error.captureStackTrace`), and V8 formats it when it is first read, after
 * `work` returns.
 */
function withoutTokenStackTraces<T>(work: () => T): T {
  const { prepareStackTrace, captureStackTrace } = Error;
  Error.prepareStackTrace = () => '';
  Error.captureStackTrace = () => undefined;
  try {
    return work();
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.captureStackTrace = captureStackTrace;
  }
}

/**
 * Synthesizes every stack of `config` into `outdir`. The app is synthesized into a staging folder first and
 * moved into place only when synthesis succeeds, so an error (policy violation, failed validation) leaves the
 * previous output untouched. Each stack's `.terraform` folder is kept so `cdktf deploy` needs no new init.
 */
export function synthesize(config: EnvironmentConfig, outdir: string): StackSummary[] {
  const staging = `${outdir}.staging-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(staging), { recursive: true }); // cdktf creates only the last folder
  let policy: PolicyReport;
  try {
    policy = withoutTokenStackTraces(() => {
      const app = new App({ outdir: staging, stackTraces: false });
      buildApp(app, config);
      if (app.hclOutput) {
        // `cdktf synth --hcl` writes HCL, which the pack cannot read back: check the resolved app instead.
        const report = checkPolicy(app);
        app.synth();
        return report;
      }
      PolicyPack.of(app).checkOutputOnly();
      app.synth();
      // Throws PolicyError listing every violation of every stack; the staged output is then removed.
      return checkSynthesizedPolicy(app, staging);
    });
    fs.mkdirSync(path.join(outdir, 'stacks'), { recursive: true });
    const stagedStacks = fs.readdirSync(path.join(staging, 'stacks'));
    for (const existing of fs.readdirSync(path.join(outdir, 'stacks'))) {
      if (!stagedStacks.includes(existing))
        fs.rmSync(path.join(outdir, 'stacks', existing), { recursive: true });
    }
    for (const stack of stagedStacks) {
      const target = path.join(outdir, 'stacks', stack);
      fs.mkdirSync(target, { recursive: true });
      for (const entry of fs.readdirSync(target)) {
        if (entry !== '.terraform' && entry !== '.terraform.lock.hcl')
          fs.rmSync(path.join(target, entry), { recursive: true });
      }
      for (const entry of fs.readdirSync(path.join(staging, 'stacks', stack))) {
        fs.renameSync(path.join(staging, 'stacks', stack, entry), path.join(target, entry));
      }
    }
    fs.renameSync(path.join(staging, 'manifest.json'), path.join(outdir, 'manifest.json'));
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return summarize(outdir).map((s) => ({ ...s, policy: stackPolicy(policy, s.id) }));
}
