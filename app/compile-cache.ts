/**
 * V8 code cache for the JavaScript a synth loads. A synth loads ~30 MB of JS (the provider classes alone are
 * 25 MB) and compiling it is about a third of `node dist/main.js`; with V8's cached code it is ~15-20 % faster.
 * Node 22.1+ does this itself (`module.enableCompileCache()`); node 20 only offers the V8 hooks, so this wraps
 * CommonJS compilation the way the `v8-compile-cache` package does. The cache lives beside the packages it
 * caches (node_modules/.cache), one file per module, keyed by path, size and mtime; V8 rejects stale data itself.
 * It also remembers where requests resolved inside node_modules (see `resolveRemembered`). Import it before
 * anything else.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';

interface InternalModule {
  id: string;
  /** Null for code that is not a file (`node -e`). */
  filename: string | null;
  exports: unknown;
  require(id: string): unknown;
}
interface InternalStatics {
  _resolveFilename(
    request: string,
    parent: InternalModule | undefined,
    isMain: boolean,
    options?: unknown,
  ): string;
  _extensions: unknown;
  _cache: unknown;
}
type Compile = (this: InternalModule, content: string, filename: string) => unknown;
// Node 20.x has vm.constants; the pinned @types/node (20.9) predates it.
const { USE_MAIN_CONTEXT_DEFAULT_LOADER } = (vm as unknown as { constants: Record<string, symbol> })
  .constants;

const nodeModules = path.join(path.dirname(require.resolve('cdktf/package.json')), '..');
/** AFPI_CODE_CACHE_DIR, e.g. for a read-only install. @default node_modules/.cache/afpi-compile-cache */
const dir = process.env.AFPI_CODE_CACHE_DIR || path.join(nodeModules, '.cache', 'afpi-compile-cache');
const statics = Module as unknown as InternalStatics;
const proto = Module.prototype as unknown as { _compile: Compile };
const original = proto._compile;
const pending: { file: string; script: vm.Script }[] = [];

// V8 rejects data written by another V8 version or under other V8 flags (e.g. NODE_OPTIONS): part of the key, so
// such processes keep entries of their own instead of overwriting each other's.
const V8_TAG = v8.cachedDataVersionTag();

function cacheFile(filename: string, content: string): string {
  const { mtimeMs } = fs.statSync(filename);
  const key = crypto
    .createHash('sha1')
    .update(`${V8_TAG}\0${filename}\0${content.length}\0${mtimeMs}`)
    .digest('hex');
  return path.join(dir, key);
}

function compileCached(this: InternalModule, content: string, filename: string): unknown {
  // Only plain .js from disk: other extensions (a .ts loader in tests) pass content that is not the file's.
  if (!/\.c?js$/.test(filename)) return original.call(this, content, filename);
  const file = cacheFile(filename, content);
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  const script = new vm.Script(Module.wrap(content), {
    filename,
    cachedData,
    importModuleDynamically: USE_MAIN_CONTEXT_DEFAULT_LOADER,
  } as unknown as vm.ScriptOptions);
  // Written at exit, so the data also holds the functions this run compiled lazily.
  if (!cachedData || script.cachedDataRejected) pending.push({ file, script });
  const moduleRequire = Object.assign((id: string) => this.require(id), {
    resolve: (request: string, options?: unknown) => statics._resolveFilename(request, this, false, options),
    main: require.main,
    extensions: statics._extensions,
    cache: statics._cache,
  });
  const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
  return wrapper.call(this.exports, this.exports, moduleRequire, this, filename, path.dirname(filename));
}

/**
 * Where requests resolved last time, for results inside node_modules. Node finds each of the ~1,600 requests of a
 * synth by probing the file system and reading package.json files (~130 ms); packages only change through npm,
 * which rewrites its record of installed packages (node_modules/.package-lock.json), so the map is kept only while
 * that record's size and mtime are unchanged. Without that record, nothing is remembered.
 */
const installRecord = path.join(nodeModules, '.package-lock.json');
const resolutionsFile = path.join(dir, 'resolutions.json');
const installStamp = (() => {
  try {
    const { size, mtimeMs } = fs.statSync(installRecord);
    return `${size} ${mtimeMs}`;
  } catch {
    return undefined;
  }
})();
const resolutions = new Map<string, string>();
let resolutionsAdded = false;
if (installStamp) {
  try {
    const saved = JSON.parse(fs.readFileSync(resolutionsFile, 'utf8')) as {
      installStamp: string;
      resolved: Record<string, string>;
    };
    if (saved.installStamp === installStamp)
      for (const [key, filename] of Object.entries(saved.resolved)) resolutions.set(key, filename);
  } catch {
    // No map yet, or an unreadable one: resolve as node does and write a new one.
  }
}
const resolveFilename = statics._resolveFilename;
const INSIDE_NODE_MODULES = `${path.sep}node_modules${path.sep}`;

function resolveRemembered(
  this: unknown,
  request: string,
  parent: InternalModule | undefined,
  isMain: boolean,
  options?: unknown,
): string {
  // The result depends only on the request and the requiring file's folder, unless options (paths) are given.
  if (!installStamp || options !== undefined || !parent?.filename)
    return resolveFilename.call(this, request, parent, isMain, options);
  const key = `${path.dirname(parent.filename)}\0${request}`;
  const remembered = resolutions.get(key);
  if (remembered !== undefined) return remembered;
  const filename = resolveFilename.call(this, request, parent, isMain, options);
  if (filename.includes(INSIDE_NODE_MODULES)) {
    resolutions.set(key, filename);
    resolutionsAdded = true;
  }
  return filename;
}

proto._compile = compileCached;
statics._resolveFilename = resolveRemembered;
process.once('exit', () => {
  try {
    fs.mkdirSync(dir, { recursive: true });
    for (const { file, script } of pending) {
      fs.writeFileSync(`${file}.${process.pid}`, new Uint8Array(script.createCachedData()));
      fs.renameSync(`${file}.${process.pid}`, file);
    }
    if (resolutionsAdded) {
      const saved = { installStamp, resolved: Object.fromEntries(resolutions) };
      fs.writeFileSync(`${resolutionsFile}.${process.pid}`, JSON.stringify(saved));
      fs.renameSync(`${resolutionsFile}.${process.pid}`, resolutionsFile);
    }
  } catch {
    // A read-only install only loses the speed-up.
  }
});
