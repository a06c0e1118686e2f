// jest's runtime with V8's code cache (jest config `runtime`). jest compiles every module anew for every test file,
// without cached data: a test file that loads the config compiles ~200 modules, one that loads cdktf and the
// provider classes ~30 MB of JavaScript. This keeps jest's CommonJS module system (registry, mocks, resolution)
// and compiles each module's code (swc's output for our .ts) through a vm.Script with V8's cached data, kept in
// node_modules/.cache/afpi-jest-code-cache, one file per module keyed by its path and code. Cached data is written
// after the test file that compiled the module, so it holds the functions its tests compiled lazily. About 10-20 %
// less CPU for a test file that loads the config; reusing a worker's scripts for its later test files saves ~3 s
// of the suite's CPU more.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const v8 = require('v8');
const vm = require('vm');
const Runtime = require('jest-runtime').default;

const dir = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'afpi-jest-code-cache');
const pending = new Map();
// A script is not bound to a context: the next test file that loads the same module runs the script this worker
// compiled for an earlier one, instead of reading and deserializing its cached data again.
const scripts = new Map();
const patched = new WeakSet();

// V8 rejects data written by another V8 version or under other V8 flags: part of the key, so such processes sharing
// the folder keep entries of their own instead of overwriting each other's.
const V8_TAG = String(v8.cachedDataVersionTag());

// The last key of each module in this worker: the next test file passes the same code again, and comparing it
// is cheaper than hashing it.
const keys = new Map();

function cacheFile(filename, code) {
  const last = keys.get(filename);
  if (last?.code === code) return last.file;
  const file = path.join(
    dir,
    crypto.createHash('sha1').update(`${V8_TAG}\0${filename}\0${code}`).digest('hex'),
  );
  keys.set(filename, { code, file });
  return file;
}

function compileWithCache(original) {
  return function compile(source, filename) {
    const context = this.environment.getVmContext();
    // Code with a dynamic import() needs jest's own compile, which resolves it.
    if (!context || source.includes('import(')) return original.call(this, source, filename);
    // The parameters jest passes to vm.compileFunction, as a wrapper function the script returns; the module's
    // code starts on the second line, shifted back so stack traces keep its lines and columns.
    const code = `(function (${this.injectedModuleParameters.join(', ')}) {\n${source}\n})`;
    const file = cacheFile(filename, code);
    let script = scripts.get(file);
    if (!script) {
      let cachedData;
      try {
        cachedData = fs.readFileSync(file);
      } catch {
        cachedData = undefined;
      }
      script = new vm.Script(code, { filename, lineOffset: -1, cachedData });
      if (!cachedData || script.cachedDataRejected) pending.set(file, script);
      scripts.set(file, script);
    }
    return script.runInContext(context);
  };
}

/**
 * Writes the cached data of the modules compiled without it. Called when a test file's runtime is torn down, so
 * the functions its tests compiled are in the data, and nothing is left for the worker's exit (jest force-kills a
 * worker that takes long to exit).
 */
function flush() {
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, script] of pending) {
      fs.writeFileSync(`${file}.${process.pid}`, script.createCachedData());
      fs.renameSync(`${file}.${process.pid}`, file);
    }
  } catch {
    // A read-only install only loses the speed-up.
  }
  pending.clear();
}

module.exports = class CodeCacheRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    const executor = Object.getPrototypeOf(this.executor);
    if (!patched.has(executor)) {
      executor.compile = compileWithCache(executor.compile);
      patched.add(executor);
    }
  }

  teardown() {
    flush();
    return super.teardown();
  }
};
