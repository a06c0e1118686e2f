/**
 * `npm run validate`: synthesizes every environment into cdktf.out.validate/<env> and runs
 * `terraform init -backend=false` and `terraform validate` in every stack with the real provider binaries, found
 * as scripts/terraform-cli-config.ts says (AFPI_TF_PROVIDERS, ../shared/terraform-providers, the Go-built cache,
 * else the public registry). The providers are unpacked once into a plugin cache and linked into every stack.
 * Prints one line per environment x stack; exits 1 on any error, with Terraform's own message.
 * Each stack's `.terraform` folder survives re-synthesis, so a second run skips the provider install.
 * Environment: AFPI_VALIDATE_JOBS (parallel terraform processes, default 2).
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../config/paths';
import { synthAllOrReport } from './synth-all';
import {
  fillPluginCache,
  findProviders,
  TerraformCliConfig,
  terraformEnv,
  writeCliConfig,
} from './terraform-cli-config';

const OUT_ROOT = path.join(repoRoot, 'cdktf.out.validate');
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));
interface Result {
  readonly ok: boolean;
  /** Terraform's output of the failing command. */
  readonly output: string;
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      resolve({ ok: !err, output: `${stdout}${stderr}`.trim() }),
    );
  });
}

async function validateStack(dir: string, env: NodeJS.ProcessEnv): Promise<Result> {
  // A lock file from another provider source (mirror and registry builds differ in checksums) would not match.
  fs.rmSync(path.join(dir, '.terraform.lock.hcl'), { force: true });
  const init = await run('terraform', ['init', '-backend=false', '-input=false', '-no-color'], dir, env);
  if (!init.ok) return { ok: false, output: `terraform init failed:\n${init.output}` };
  return run('terraform', ['validate', '-no-color'], dir, env);
}

/** Runs `tasks` with at most `jobs` at a time, keeping their order in the result. */
async function pool<T>(tasks: (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
  return results;
}

function terraformVersion(env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync('terraform', ['version'], { encoding: 'utf8', env }).split('\n')[0].trim();
  } catch {
    throw new Error('terraform is not on PATH (Terraform 1.11.4 expected)');
  }
}

async function main(): Promise<number> {
  const started = Date.now();
  let cli: TerraformCliConfig;
  let tfEnv: NodeJS.ProcessEnv;
  let version: string;
  try {
    cli = writeCliConfig(
      path.join(OUT_ROOT, 'terraform.rc'),
      findProviders(),
      path.join(OUT_ROOT, '.plugin-cache'),
    );
    tfEnv = terraformEnv(cli);
    version = terraformVersion(tfEnv);
  } catch (err) {
    console.error(`validate: ${(err as Error).message}`);
    return 1;
  }

  const envs = synthAllOrReport(OUT_ROOT, 'validate');
  if (!envs) return 1;
  const synthSeconds = (Date.now() - started) / 1000;
  console.log(`${version}; ${cli.describe}; synthesized in ${synthSeconds.toFixed(1)} s`);

  const cacheProblem = await fillPluginCache(
    cli,
    envs.flatMap((e) => e.stacks.map((s) => readJson(s.file).terraform?.required_providers ?? {})),
    tfEnv,
  );
  if (cacheProblem) {
    console.log(`validate: terraform init of the providers failed:\n${cacheProblem.replace(/^/gm, '    ')}`);
    return 1;
  }
  const targets = envs.flatMap((e) =>
    e.stacks.map((s) => ({ env: e.env, stack: s.id, dir: path.dirname(s.file) })),
  );
  const jobs = Number(process.env.AFPI_VALIDATE_JOBS) || Math.min(2, os.cpus().length);
  const results = await pool(
    targets.map((t) => () => validateStack(t.dir, tfEnv)),
    jobs,
  );
  let failed = 0;
  targets.forEach((t, i) => {
    const r = results[i];
    const where = `${t.env.padEnd(8)} ${t.stack.padEnd(14)}`;
    if (r.ok && !/^Warning:/m.test(r.output)) {
      console.log(`${where} ok`);
    } else if (r.ok) {
      console.log(`${where} ok, with warnings:`);
      console.log(r.output.replace(/^/gm, '    '));
    } else {
      failed++;
      console.log(`${where} FAILED (${path.relative(repoRoot, t.dir)})`);
      console.log(r.output.replace(/^/gm, '    '));
    }
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`terraform validate: ${targets.length - failed} ok, ${failed} failed, ${seconds} s`);
  return failed > 0 ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (err) => {
    console.error(err);
    process.exitCode = 1;
  },
);
