// jest's runtime with V8's code cache (jest config `runtime`). jest compiles every module anew for every test file,
// without cached data: a test file that loads the config compiles ~200 modules, one that loads cdktf and the
// provider classes ~30 MB of JavaScript. This keeps jest's CommonJS module system (registry, mocks, resolution)
// and compiles each module's code (swc's output for our .ts) through a vm.Script with V8's cached data, kept in
// node_modules/.cache/afpi-jest-code-cache, one file per module keyed by its path and code. Cached data is written
// at exit, so it holds the functions the run compiled lazily. About 20 % less CPU for a config test file.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Runtime = require('jest-runtime').default;

const dir = path.join(__dirname, '..', '..', 'node_modules', '.cache', 'afpi-jest-code-cache');
const pending = new Map();
const patched = new WeakSet();

function cacheFile(filename, source) {
  return path.join(dir, crypto.createHash('sha1').update(filename).update('\0').update(source).digest('hex'));
}

function compileWithCache() {
  return function compile(source, filename) {
    const context = this.environment.getVmContext();
    if (!context) return null;
    const file = cacheFile(filename, source);
    let cachedData;
    try {
      cachedData = fs.readFileSync(file);
    } catch {
      cachedData = undefined;
    }
    // The same parameters jest passes to vm.compileFunction, as a wrapper function the script returns.
    const script = new vm.Script(`(function (${this.injectedModuleParameters.join(', ')}) {${source}\n})`, {
      filename,
      cachedData,
    });
    if ((!cachedData || script.cachedDataRejected) && !pending.has(file)) pending.set(file, script);
    return script.runInContext(context);
  };
}

process.once('exit', () => {
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, script] of pending) {
      fs.writeFileSync(`${file}.${process.pid}`, script.createCachedData());
      fs.renameSync(`${file}.${process.pid}`, file);
    }
  } catch {
    // A read-only install only loses the speed-up.
  }
});

module.exports = class CodeCacheRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    const executor = Object.getPrototypeOf(this.executor);
    if (!patched.has(executor)) {
      executor.compile = compileWithCache();
      patched.add(executor);
    }
  }
};
