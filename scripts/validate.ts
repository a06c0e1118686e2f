/**
 * `npm run validate`: synthesizes every environment into cdktf.out.validate/<env> and runs
 * `terraform init -backend=false` and `terraform validate` in every stack with the real provider binaries,
 * installed from the local filesystem mirror that scripts/tools/tf-mirror.sh fills (no registry access).
 * Prints one line per environment x stack; exits 1 on any error, with Terraform's own message.
 * Each stack's `.terraform` folder survives re-synthesis, so a second run skips the provider install.
 * Environment: AFPI_VALIDATE_JOBS (parallel terraform processes, default 2).
 */
import { execFile, execFileSync } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import { repoRoot } from '../config/paths';
import { synthAllOrReport } from './synth-all';

const OUT_ROOT = path.join(repoRoot, 'cdktf.out.validate');
const TF_MIRROR = path.join(repoRoot, 'scripts', 'tools', 'tf-mirror.sh');

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

/** The mirror's CLI config path; throws with tf-mirror.sh's message when a provider is missing. */
function mirrorConfig(): string {
  try {
    return execFileSync(TF_MIRROR, ['--check'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    throw new Error(
      `the local Terraform provider mirror is incomplete, so terraform cannot install the providers:\n  ${stderr}\n` +
        '  Fill it with scripts/tools/tf-mirror.sh. Known blocker (issue 9): the Go module proxy refuses the\n' +
        '  pinned provider versions ("403 ... This module version is not available"), so on a fresh machine it fails.',
    );
  }
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
  let tfEnv: NodeJS.ProcessEnv;
  let version: string;
  try {
    const tfrc = mirrorConfig();
    tfEnv = { ...process.env, TF_CLI_CONFIG_FILE: tfrc, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
    // A plugin cache would hide what the mirror holds.
    delete tfEnv.TF_PLUGIN_CACHE_DIR;
    version = terraformVersion(tfEnv);
  } catch (err) {
    console.error(`validate: ${(err as Error).message}`);
    return 1;
  }

  const envs = synthAllOrReport(OUT_ROOT, 'validate');
  if (!envs) return 1;
  const synthSeconds = (Date.now() - started) / 1000;
  console.log(
    `${version}; providers from ${tfEnv.TF_CLI_CONFIG_FILE}; synthesized in ${synthSeconds.toFixed(1)} s`,
  );

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
