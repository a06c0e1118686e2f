import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { MessagePort, Worker } from 'worker_threads';
import { loadEnvironment } from '../../config/load';
import { EnvironmentConfig, StackId } from '../../config/schema';
import type { StackSummary } from '../../app/synthesize';

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
 * A call of an exported function `name` of a repository module (`module`, relative to the repository root) with
 * `args`. Arguments and result cross threads by structured clone: plain data only.
 */
export interface ThreadCall {
  module: string;
  name: string;
  args: unknown[];
}

const root = path.join(__dirname, '..', '..');
/** The run's temp folder (jest.config.js points TMPDIR at it; globalTeardown removes it). */
const JEST_TMP = path.join(root, '.jest-tmp');

/** Makes `call` in the calling thread. */
export function handle(call: ThreadCall): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const exported = require(path.join(root, call.module)) as Record<string, (...args: unknown[]) => unknown>;
  return exported[call.name](...call.args);
}

/**
 * Calls `name` of `module` with `args` in this jest worker's synth thread (see inThread). For the code that loads
 * cdktf and the provider classes: a synth, `npm run policy`'s check.
 */
export function callInSynthThread<T>(module: string, name: string, ...args: unknown[]): T {
  return inThread({ module, name, args }) as T;
}

/**
 * `npm run synth`'s synthesize() of `config` (policy pack included) in this worker's synth thread, through a real
 * App, so cross-stack references resolve. Once per run for equal configs: test files that synthesize the same
 * environment or variant share it. Throws PolicyError's message on a violation.
 */
function synthesizeOnce(config: EnvironmentConfig): SynthesizedEnvironment {
  const key = crypto.createHash('sha1').update(JSON.stringify(config)).digest('hex');
  return once(`${key}.json`, () =>
    callInSynthThread<SynthesizedEnvironment>('__tests__/support/synth', 'synthesizeHere', config),
  );
}

/** The stacks of `config` (a variant of an environment), synthesized once per run (synthesizeOnce). */
export function synthApp(config: EnvironmentConfig): SynthesizedApp {
  return synthesizeOnce(config).stacks;
}

/** An environment as `npm run synth` writes it: its stacks, and the summary with each stack's policy check. */
export interface SynthesizedEnvironment {
  stacks: SynthesizedApp;
  summaries: StackSummary[];
}

/** `npm run synth`'s synthesize() of `config` (policy pack included) in the calling thread. */
export function synthesizeHere(config: EnvironmentConfig): SynthesizedEnvironment {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthesize } = require('../../app/synthesize') as typeof import('../../app/synthesize');
  return inTempDir((outdir) => ({ summaries: synthesize(config, outdir), stacks: readStacks(outdir) }));
}

/** `work` in a fresh temp folder, removed after. */
export function inTempDir<T>(work: (dir: string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'synth-'));
  try {
    return work(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function readStacks(outdir: string): SynthesizedApp {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
  const result: SynthesizedApp = {};
  for (const [id, stack] of Object.entries<{ synthesizedStackPath: string }>(manifest.stacks)) {
    result[id as StackId] = JSON.parse(
      fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), 'utf8'),
    );
  }
  return result;
}

interface SynthThread {
  worker: Worker;
  port: MessagePort;
  /** 0 while a call runs, 1 when its reply was posted. */
  done: Int32Array;
  /** The test run it was started in (RUN_ID_FILE). */
  run: string;
  /** Id of the last call posted; a reply carries the id of its call. */
  calls: number;
}
const THREAD = Symbol.for('afpi.synthThread');
/** Written by globalSetup (global-setup.js) at the start of every run. */
const RUN_ID_FILE = path.join(JEST_TMP, 'run-id');
/** Long enough for the largest app on a loaded machine; a thread that died never answers. */
const THREAD_TIMEOUT_MS = 300_000;

type Threads = typeof import('worker_threads') & { [THREAD]?: SynthThread };

function startThread(threads: Threads, run: string): SynthThread {
  const { port1, port2 } = new threads.MessageChannel();
  const done = new Int32Array(new SharedArrayBuffer(4));
  const worker = new threads.Worker(path.join(__dirname, 'synth-thread.js'), {
    workerData: { port: port2, done },
    transferList: [port2],
  });
  worker.unref();
  const thread = { worker, port: port1, done, run, calls: 0 };
  // A thread that died is replaced by the next call (its error was posted as the reply, see synth-thread.js).
  worker.on('error', () => {
    if (threads[THREAD] === thread) delete threads[THREAD];
  });
  return thread;
}

/**
 * Posts `call` to this jest worker's synth thread (synth-thread.js) and blocks until it replies. In the
 * thread, cdktf and the provider modules are plain node modules: loaded once per worker process, through V8's
 * code cache, and warm from one synth to the next (~0.3-1 s a synth). In jest's registry they would be loaded
 * anew for every test file, and a synth took 2-6 s. The thread is kept on the worker_threads module object: the
 * one object all test files of a worker share (jest gives each file fresh modules but the same core modules).
 */
function inThread(call: ThreadCall): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const threads = require('worker_threads') as Threads;
  // A run in jest's own process (`npx jest <file>`, --watch) keeps that process for the next run: a new run gets
  // a new thread, which loads the sources as they are now.
  const run = fs.readFileSync(RUN_ID_FILE, 'utf8');
  if (threads[THREAD]?.run !== run) {
    void threads[THREAD]?.worker.terminate();
    threads[THREAD] = startThread(threads, run);
  }
  const thread = threads[THREAD];
  const id = ++thread.calls;
  Atomics.store(thread.done, 0, 0);
  thread.port.postMessage({ id, call });
  if (Atomics.wait(thread.done, 0, 0, THREAD_TIMEOUT_MS) === 'timed-out') {
    // Its late reply must not answer the next call.
    void thread.worker.terminate();
    delete threads[THREAD];
    throw new Error(`the synth thread did not answer in ${THREAD_TIMEOUT_MS / 1000} s`);
  }
  const reply = threads.receiveMessageOnPort(thread.port)?.message as
    { id: number; value?: unknown; error?: string } | undefined;
  if (reply?.id !== id) throw new Error(`the synth thread answered call ${reply?.id} for call ${id}`);
  if (reply.error !== undefined) throw new Error(`failed in the synth thread: ${reply.error}`);
  return reply.value;
}

const cache = new Map<string, unknown>();
// Shared by the jest workers of one run (globalSetup clears it at the start, globalTeardown removes .jest-tmp), so
// each environment and tier is synthesized once per run, not once per test file.
const SHARED_CACHE = path.join(JEST_TMP, 'synth-cache');
const LOCK_POLL_MS = 20;

/** Whether the worker that took `lock` (its pid in the file) is gone: a killed worker leaves its lock behind. */
function staleLock(lock: string): boolean {
  let text: string;
  let mtimeMs: number;
  try {
    text = fs.readFileSync(lock, 'utf8');
    mtimeMs = fs.statSync(lock).mtimeMs;
  } catch {
    return false; // released meanwhile
  }
  // Empty: taken a moment ago, the pid not written yet (or never, if its worker died right then).
  if (text === '') return Date.now() - mtimeMs > 5_000;
  try {
    process.kill(Number(text), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * `compute()` once per run for `file` (in SHARED_CACHE): from this worker's memory, the shared file, or anew.
 * A lock file (holding the pid of the worker computing it) makes the other worker wait for the result instead
 * of computing it too.
 */
function once<T>(file: string, compute: () => T): T {
  if (cache.has(file)) return cache.get(file) as T;
  const shared = path.join(SHARED_CACHE, file);
  const lockFile = `${shared}.lock`;
  fs.mkdirSync(SHARED_CACHE, { recursive: true });
  const read = (): T | undefined => {
    if (!fs.existsSync(shared)) return undefined;
    cache.set(file, JSON.parse(fs.readFileSync(shared, 'utf8')));
    return cache.get(file) as T;
  };
  for (;;) {
    const ready = read();
    if (ready !== undefined) return ready;
    let lock: number;
    try {
      lock = fs.openSync(lockFile, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (staleLock(lockFile)) fs.rmSync(lockFile, { force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, LOCK_POLL_MS);
      continue;
    }
    try {
      fs.writeSync(lock, String(process.pid));
      // The other worker may have finished it between our read and our lock.
      const finished = read();
      if (finished !== undefined) return finished;
      const value = compute();
      // Written aside and renamed: another worker never reads a half-written file.
      fs.writeFileSync(`${shared}.${process.pid}`, JSON.stringify(value));
      fs.renameSync(`${shared}.${process.pid}`, shared);
      cache.set(file, value);
      return value;
    } finally {
      fs.closeSync(lock);
      fs.rmSync(lockFile, { force: true });
    }
  }
}

/** Configs this test file loaded: validating one again for every lookup was ~1 s of the suite. */
const loadedConfigs = new Map<string, EnvironmentConfig>();

/**
 * `npm run synth` of an environment (optionally at another tier), once per test run (synthesizeOnce): the same
 * synthesize() as main.ts, so the policy pack checks every environment at every tier.
 */
export function synthesizeEnvironment(env: string, tier?: string): SynthesizedEnvironment {
  const loadedKey = `${env}\0${tier ?? ''}`;
  let config = loadedConfigs.get(loadedKey);
  if (!config) {
    config = loadEnvironment(env, { tier }).config;
    loadedConfigs.set(loadedKey, config);
  }
  return synthesizeOnce(config);
}

/** The stacks of an environment (optionally at another tier), synthesized once per test run. */
export function synthEnvironment(env: string, tier?: string): SynthesizedApp {
  return synthesizeEnvironment(env, tier).stacks;
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
