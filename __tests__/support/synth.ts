import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { MessagePort } from 'worker_threads';
import { loadEnvironment } from '../../config/load';
import { EnvironmentConfig, StackId } from '../../config/schema';
import type { PolicyReport } from '../../policy/policy-pack';

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

/**
 * Synthesizes a whole app for `config` through a real App, so cross-stack references resolve. In a jest worker
 * the synth runs in this process's synth thread (synth-thread.js), outside jest's module registry: jest loads
 * cdktf and the ~700 provider modules anew for every test file and runs them without V8's code cache, so a synth
 * there took 2-6 s; the thread loads them once per worker process and a synth takes ~0.3-1 s.
 */
export function synthApp(config: EnvironmentConfig): SynthesizedApp {
  return process.env.JEST_WORKER_ID ? synthInThread(config) : synthAppHere(config);
}

/** The thread's side of synthApp: a synth in the calling thread. */
export function synthAppHere(config: EnvironmentConfig): SynthesizedApp {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { App } = require('cdktf') as typeof import('cdktf');
  const { buildApp } = require('../../app/build-app') as typeof import('../../app/build-app');
  /* eslint-enable @typescript-eslint/no-require-imports */
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

interface SynthThread {
  port: MessagePort;
  /** 0 while a synth runs, 1 when its reply was posted. */
  done: Int32Array;
}
const THREAD = Symbol.for('afpi.synthThread');
/** Long enough for the largest app on a loaded machine; a thread that died never answers. */
const THREAD_TIMEOUT_MS = 300_000;

/**
 * Posts `config` to the synth thread and blocks until it replies. The thread is kept on the worker_threads module
 * object: the one object every test file of a jest worker shares (jest gives each file fresh modules but the same
 * core modules), so the provider modules are loaded once per worker process.
 */
function synthInThread(config: EnvironmentConfig): SynthesizedApp {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const threads = require('worker_threads') as typeof import('worker_threads') & { [THREAD]?: SynthThread };
  if (!threads[THREAD]) {
    const { port1, port2 } = new threads.MessageChannel();
    const done = new Int32Array(new SharedArrayBuffer(4));
    const worker = new threads.Worker(path.join(__dirname, 'synth-thread.js'), {
      workerData: { port: port2, done },
      transferList: [port2],
    });
    worker.unref();
    threads[THREAD] = { port: port1, done };
  }
  const { port, done } = threads[THREAD];
  Atomics.store(done, 0, 0);
  port.postMessage(config);
  if (Atomics.wait(done, 0, 0, THREAD_TIMEOUT_MS) === 'timed-out')
    throw new Error(`the synth thread did not answer in ${THREAD_TIMEOUT_MS / 1000} s`);
  const reply = threads.receiveMessageOnPort(port)?.message as { app?: SynthesizedApp; error?: string };
  if (reply.error !== undefined) throw new Error(`synth failed in the synth thread: ${reply.error}`);
  return reply.app!;
}

const cache = new Map<string, unknown>();
// Shared by the jest workers of one run (jest removes .jest-tmp at the end, globalSetup clears it at the start;
// on a whole-suite run globalSetup fills it, see presynth.js), so each environment and tier is synthesized and
// policy-checked once per run, not once per test file.
export const SHARED_CACHE = path.join(__dirname, '..', '..', '.jest-tmp', 'synth-cache');

/** `compute()` once per run for `file` (in SHARED_CACHE): from this worker's memory, the shared file, or anew. */
function once<T>(file: string, compute: () => T): T {
  const shared = path.join(SHARED_CACHE, file);
  if (!cache.has(file)) {
    if (fs.existsSync(shared)) {
      cache.set(file, JSON.parse(fs.readFileSync(shared, 'utf8')));
    } else {
      const value = compute();
      fs.mkdirSync(SHARED_CACHE, { recursive: true });
      // Written aside and renamed: another worker never reads a half-written file.
      fs.writeFileSync(`${shared}.${process.pid}`, JSON.stringify(value));
      fs.renameSync(`${shared}.${process.pid}`, shared);
      cache.set(file, value);
    }
  }
  return cache.get(file) as T;
}

/** Synthesizes an environment (optionally at another tier) once per test run. */
export function synthEnvironment(env: string, tier?: string): SynthesizedApp {
  const { config } = loadEnvironment(env, { tier });
  return once(`${env}-${config.tier}.json`, () => synthApp(config));
}

/** `npm run policy`'s check of an environment (optionally at another tier), once per test run. */
export function checkEnvironment(env: string, tier?: string): { tier: string; report: PolicyReport } {
  const { config } = loadEnvironment(env, { tier });
  return once(`${env}-${config.tier}.policy.json`, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const policy = require('../../scripts/policy') as typeof import('../../scripts/policy');
    return policy.checkEnvironment(env, tier);
  });
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
