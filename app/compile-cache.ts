/**
 * V8 code cache for the JavaScript a synth loads. A synth loads ~30 MB of JS (the provider classes alone are
 * 25 MB) and compiling it is about a third of `node dist/main.js`; with V8's cached code it is ~15-20 % faster.
 * Node 22.1+ does this itself (`module.enableCompileCache()`); node 20 only offers the V8 hooks, so this wraps
 * CommonJS compilation the way the `v8-compile-cache` package does. The cache lives beside the packages it
 * caches (node_modules/.cache): one pack per entry point (the script node runs) with the data of every module
 * it loaded, each valid for the size and mtime it was made from (V8 also rejects data of another V8 or other
 * flags). One file instead of one per module: a synth loads ~770. The pack also holds where the entry's requests
 * resolved inside node_modules (see `resolveRemembered`). Import it before anything else.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import Module from 'module';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { threadId } from 'worker_threads';

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

// V8 rejects data written by another V8 version or under other V8 flags (e.g. NODE_OPTIONS): part of the pack's
// name, so such processes keep packs of their own instead of overwriting each other's.
const V8_TAG = v8.cachedDataVersionTag();
// The script node runs and its first argument: scripts/run-compiled.js runs the bundle of the script it is given.
const entryPoint = [require.main?.filename, ...process.argv.slice(1, 3)].join('\0');
const packFile = path.join(
  dir,
  `${crypto.createHash('sha1').update(`${V8_TAG}\0${entryPoint}`).digest('hex')}.pack`,
);

/** A module's data in the pack: the source's size and mtime it was made from, and where it lies. */
interface PackEntry {
  size: number;
  mtimeMs: number;
  offset: number;
  length: number;
}

/** The pack's JSON header. */
interface PackHeader {
  modules: Record<string, PackEntry>;
  /** What `resolutions` were made under (see resolutionStamp), and the resolutions themselves. */
  resolutionStamp: string;
  resolutions: Record<string, string>;
}

/** Fills `into` from `fd` at `position`. */
function readAt(fd: number, into: Uint8Array, position: number): void {
  for (let read = 0; read < into.length;) {
    const n = fs.readSync(fd, into, read, into.length - read, position + read);
    if (n === 0) throw new Error(`${packFile} ends early`);
    read += n;
  }
}

/**
 * The pack: a 4-byte length, that many bytes of JSON header, then the modules' data. Only the header is read up
 * front; a module's data is read when it is compiled, so none of it stays in memory after (a whole pack is ~27 MB).
 */
function openPack(): { fd?: number; dataStart: number; index: Map<string, PackEntry>; header?: PackHeader } {
  let fd: number | undefined;
  try {
    fd = fs.openSync(packFile, 'r');
    const length = new Uint8Array(4);
    readAt(fd, length, 0);
    const headerBytes = new Uint8Array(new DataView(length.buffer).getUint32(0, true));
    readAt(fd, headerBytes, 4);
    const header = JSON.parse(Buffer.from(headerBytes).toString('utf8')) as PackHeader;
    const dataStart = 4 + headerBytes.length;
    // A pack cut short or not ours is not used (and is replaced at exit): every entry must lie inside the file.
    const { size } = fs.fstatSync(fd);
    const entries = Object.entries(header.modules);
    const inside = ({ offset, length }: PackEntry) =>
      Number.isInteger(offset) &&
      Number.isInteger(length) &&
      offset >= 0 &&
      dataStart + offset + length <= size;
    if (!entries.every(([, entry]) => inside(entry))) throw new Error(`${packFile} is damaged`);
    return { fd, dataStart, index: new Map(entries), header };
  } catch {
    // No pack yet, or an unreadable one: compile without data and write a new one.
    if (fd !== undefined) fs.closeSync(fd);
    return { dataStart: 0, index: new Map() };
  }
}

const pack = openPack();

/**
 * A module's data from the pack (still the one this process opened, even if another has replaced it since), or
 * undefined if it cannot be read: the module is then compiled without it.
 */
function packedData({ offset, length }: PackEntry): Uint8Array | undefined {
  try {
    const data = new Uint8Array(length);
    readAt(pack.fd!, data, pack.dataStart + offset);
    return data;
  } catch {
    return undefined;
  }
}

const pending: { filename: string; size: number; mtimeMs: number; script: vm.Script }[] = [];

function compileCached(this: InternalModule, content: string, filename: string): unknown {
  // Only plain .js from disk: other extensions (a .ts loader in tests) pass content that is not the file's.
  if (!/\.c?js$/.test(filename)) return original.call(this, content, filename);
  const { mtimeMs } = fs.statSync(filename);
  const entry = pack.index.get(filename);
  const cachedData =
    entry && entry.size === content.length && entry.mtimeMs === mtimeMs ? packedData(entry) : undefined;
  const script = new vm.Script(Module.wrap(content), {
    filename,
    cachedData,
    importModuleDynamically: USE_MAIN_CONTEXT_DEFAULT_LOADER,
  } as unknown as vm.ScriptOptions);
  // Written at exit, so the data also holds the functions this run compiled lazily.
  if (!cachedData || script.cachedDataRejected) {
    pending.push({ filename, size: content.length, mtimeMs, script });
  }
  const moduleRequire = Object.assign((id: string) => this.require(id), {
    resolve: (request: string, options?: unknown) => statics._resolveFilename(request, this, false, options),
    main: require.main,
    extensions: statics._extensions,
    cache: statics._cache,
  });
  const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => unknown;
  return wrapper.call(this.exports, this.exports, moduleRequire, this, filename, path.dirname(filename));
}

/** The flags among node's arguments that change how it resolves (not, e.g., `-e`'s code). */
function resolutionFlags(args: string[]): string[] {
  const flags: string[] = [];
  args.forEach((arg, i) => {
    if (arg === '-C' || arg === '--conditions') flags.push(arg, args[i + 1]);
    else if (/^(-C.|--conditions=|--preserve-symlinks)/.test(arg)) flags.push(arg);
  });
  return flags;
}

/**
 * Where requests resolved last time, for results inside this install's node_modules. Node finds each of the
 * ~1,600 requests of a synth by probing the file system and reading package.json files (~130 ms). The answer
 * depends on the installed packages, which change through npm, and npm rewrites its record of them
 * (node_modules/.package-lock.json); and on how node resolves: its version, flags (`--conditions`,
 * `--preserve-symlinks`, also through NODE_OPTIONS), NODE_PATH and the extensions registered before this module.
 * All of that is the stamp; a pack's resolutions made under another stamp are dropped. A remembered file that is
 * gone is resolved again. Without npm's record, nothing is remembered. A hand edit under node_modules (a
 * package.json's "main") is not seen: delete node_modules/.cache after one.
 */
const resolutionStamp = (() => {
  try {
    const { size, mtimeMs } = fs.statSync(path.join(nodeModules, '.package-lock.json'));
    const { NODE_OPTIONS, NODE_PATH, NODE_PRESERVE_SYMLINKS } = process.env;
    return JSON.stringify([
      size,
      mtimeMs,
      process.version,
      resolutionFlags(process.execArgv),
      NODE_OPTIONS,
      NODE_PATH,
      NODE_PRESERVE_SYMLINKS,
      Object.keys(statics._extensions as object),
    ]);
  } catch {
    return undefined;
  }
})();
const resolutions = new Map<string, string>(
  resolutionStamp !== undefined && pack.header?.resolutionStamp === resolutionStamp
    ? Object.entries(pack.header.resolutions ?? {})
    : [],
);
let resolutionsChanged = false;
const resolveFilename = statics._resolveFilename;
const OUR_PACKAGES = `${nodeModules}${path.sep}`;

function resolveRemembered(
  this: unknown,
  request: string,
  parent: InternalModule | undefined,
  isMain: boolean,
  options?: unknown,
): string {
  // The result depends only on the request and the requiring file's folder, unless options (paths) are given.
  if (resolutionStamp === undefined || options !== undefined || !parent?.filename)
    return resolveFilename.call(this, request, parent, isMain, options);
  const key = `${path.dirname(parent.filename)}\0${request}`;
  const remembered = resolutions.get(key);
  if (remembered !== undefined && fs.statSync(remembered, { throwIfNoEntry: false })?.isFile())
    return remembered;
  const filename = resolveFilename.call(this, request, parent, isMain, options);
  if (filename.startsWith(OUR_PACKAGES)) {
    resolutions.set(key, filename);
    resolutionsChanged = true;
  } else if (remembered !== undefined) {
    resolutions.delete(key);
    resolutionsChanged = true;
  }
  return filename;
}

/** Writes all of `bytes` to `fd`. */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length;) written += fs.writeSync(fd, bytes, written);
}

/** The pack again, with this run's new data. */
function writePack(): void {
  const renewed = new Map(pending.map((p) => [p.filename, p]));
  const parts: { filename: string; entry: PackEntry; data: () => Uint8Array | undefined }[] = [];
  let offset = 0;
  const add = (
    filename: string,
    size: number,
    mtimeMs: number,
    length: number,
    data: () => Uint8Array | undefined,
  ) => {
    parts.push({ filename, entry: { size, mtimeMs, offset, length }, data });
    offset += length;
  };
  // Entries of modules this run did not load are kept, unless their file is gone; read one at a time as written.
  for (const [filename, entry] of pack.index) {
    if (renewed.has(filename) || !fs.statSync(filename, { throwIfNoEntry: false })) continue;
    add(filename, entry.size, entry.mtimeMs, entry.length, () => packedData(entry));
  }
  for (const { filename, size, mtimeMs, script } of renewed.values()) {
    const data = script.createCachedData();
    add(
      filename,
      size,
      mtimeMs,
      data.length,
      () => new Uint8Array(data.buffer, data.byteOffset, data.length),
    );
  }
  const header: PackHeader = {
    modules: Object.fromEntries(parts.map(({ filename, entry }) => [filename, entry])),
    resolutionStamp: resolutionStamp ?? '',
    resolutions: Object.fromEntries(resolutions),
  };
  const headerBytes = new Uint8Array(Buffer.from(JSON.stringify(header)));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, headerBytes.length, true);
  // Written aside and renamed: a process starting meanwhile reads the old pack or the new one, never half of one.
  const aside = `${packFile}.${process.pid}.${threadId}`;
  const fd = fs.openSync(aside, 'w');
  let written = false;
  try {
    writeAll(fd, length);
    writeAll(fd, headerBytes);
    for (const part of parts) {
      const data = part.data();
      if (!data) throw new Error(`${packFile}: cannot read ${part.filename}'s data`);
      writeAll(fd, data);
    }
    written = true;
  } finally {
    fs.closeSync(fd);
    if (!written) fs.rmSync(aside, { force: true });
  }
  fs.renameSync(aside, packFile);
}

proto._compile = compileCached;
statics._resolveFilename = resolveRemembered;
process.once('exit', () => {
  try {
    fs.mkdirSync(dir, { recursive: true });
    if (pending.length > 0 || resolutionsChanged) writePack();
  } catch {
    // A read-only install only loses the speed-up.
  }
});
