/**
 * Synthesizes every environment (config/environments, each at its own tier) into `<root>/<env>`, for the
 * offline checks (`npm run validate`, `npm run check:charts`, `npm run checkov`).
 * CLI: `node dist/scripts/synth-all.js <root>` prints one line per environment; exits 1 on a config error or
 * a policy violation.
 */
import * as fs from 'fs';
import * as path from 'path';
import { StackSummary, synthesize } from '../app/synthesize';
import { ConfigError, listEnvironments, loadEnvironment } from '../config/load';
import { EnvironmentConfig } from '../config/schema';
import { PolicyError } from '../policy/findings';

export interface SynthesizedEnvironment {
  readonly env: string;
  readonly config: EnvironmentConfig;
  readonly outdir: string;
  /** In deploy order. */
  readonly stacks: StackSummary[];
}

/** Throws the ConfigError or PolicyError of the first environment that fails. */
export function synthAll(root: string): SynthesizedEnvironment[] {
  fs.mkdirSync(root, { recursive: true });
  return listEnvironments().map((env) => {
    const { config } = loadEnvironment(env);
    const outdir = path.join(root, env);
    return { env, config, outdir, stacks: synthesize(config, outdir) };
  });
}

/**
 * synthAll for a command-line tool: on a ConfigError or PolicyError prints `<tool>: synth failed, ...` with one
 * problem per line and returns undefined; any other error propagates.
 */
export function synthAllOrReport(root: string, tool: string): SynthesizedEnvironment[] | undefined {
  try {
    return synthAll(root);
  } catch (err) {
    const lines =
      err instanceof ConfigError
        ? ['config error:', ...err.problems]
        : err instanceof PolicyError
          ? ['policy violations:', ...err.lines]
          : undefined;
    if (!lines) throw err;
    console.error(`${tool}: synth failed, ${lines.join('\n  ')}`);
    return undefined;
  }
}

function main(argv: string[]): number {
  if (argv.length !== 1) {
    console.error('Usage: node dist/scripts/synth-all.js <output root>');
    return 2;
  }
  const envs = synthAllOrReport(argv[0], 'synth-all');
  if (!envs) return 1;
  for (const s of envs) {
    console.log(
      `${s.env.padEnd(8)} tier ${s.config.tier}: ${s.stacks.map((x) => x.id).join(', ')} -> ${s.outdir}`,
    );
  }
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
