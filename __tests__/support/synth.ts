import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { buildApp } from '../../app/build-app';
import { loadEnvironment } from '../../config/load';
import { EnvironmentConfig, StackId } from '../../config/schema';

/** A stack's synthesized Terraform JSON. */
export interface SynthesizedStack {
  resource?: Record<string, Record<string, Record<string, unknown>>>;
  data?: Record<string, Record<string, Record<string, unknown>>>;
  output?: Record<string, { value: unknown }>;
  provider?: Record<string, Record<string, unknown>[]>;
  terraform?: Record<string, unknown>;
  [key: string]: unknown;
}

export type SynthesizedApp = Partial<Record<StackId, SynthesizedStack>>;

/** Synthesizes a whole app for `config` through a real App, so cross-stack references resolve. */
export function synthApp(config: EnvironmentConfig): SynthesizedApp {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    buildApp(app, config);
    app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    const result: SynthesizedApp = {};
    for (const [id, stack] of Object.entries<{ synthesizedStackPath: string }>(manifest.stacks)) {
      result[id as StackId] = JSON.parse(
        fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), 'utf8'),
      );
    }
    return result;
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const cache = new Map<string, SynthesizedApp>();
// Shared by the jest workers of one run (jest removes .jest-tmp at the end), so each environment and tier is
// synthesized once per run, not once per test file.
const SHARED_CACHE = path.join(__dirname, '..', '..', '.jest-tmp', 'synth-cache');

/** Synthesizes an environment (optionally at another tier) once per test run. */
export function synthEnvironment(env: string, tier?: string): SynthesizedApp {
  const { config } = loadEnvironment(env, { tier });
  const key = `${env}-${config.tier}`;
  const file = path.join(SHARED_CACHE, `${key}.json`);
  if (!cache.has(key)) {
    if (fs.existsSync(file)) {
      cache.set(key, JSON.parse(fs.readFileSync(file, 'utf8')));
    } else {
      const app = synthApp(config);
      fs.mkdirSync(SHARED_CACHE, { recursive: true });
      // Written aside and renamed: another worker never reads a half-written file.
      fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify(app));
      fs.renameSync(`${file}.${process.pid}`, file);
      cache.set(key, app);
    }
  }
  return cache.get(key)!;
}

/** All resources of `type` in a synthesized stack, as a list of their attribute objects. */
export function resourcesOf(stack: SynthesizedStack | undefined, type: string): Record<string, unknown>[] {
  return Object.values(stack?.resource?.[type] ?? {});
}

/** The single resource of `type`; fails when there are none or several. */
export function onlyResource(stack: SynthesizedStack | undefined, type: string): Record<string, unknown> {
  const all = resourcesOf(stack, type);
  if (all.length !== 1) throw new Error(`expected exactly one ${type}, found ${all.length}`);
  return all[0];
}
