#!/usr/bin/env node
/**
 * `node scripts/run-compiled.js dist/<entry>.js [args]`: the synth path (`npm run synth`, the cdktf.json app).
 * Type-checks and compiles (`tsc -b`) only when a source changed since the last successful build, bundles the
 * compiled entry into one file beside it (`<entry>.bundle.js`, esbuild) when the bundle is older than that build,
 * then runs the bundle in this same process through the V8 code cache (app/compile-cache.ts). A no-op `tsc -b`
 * costs ~0.4 s and a second node process ~0.1 s; comparing the sources' sizes and mtimes with the stamp of the
 * last good build costs a few milliseconds. One bundled script instead of ~700 modules saves their resolution
 * and the comments esbuild drops (11 MB instead of 29 MB of JS). Plain JS: it must run before anything is
 * compiled.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const Module = require('module');
const path = require('path');
const { bundle } = require('./bundle');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', '.run-compiled-stamp');
// Never sources: dependencies, build output, synth output, hidden folders (.git, .jest-tmp, .gen, .terraform).
const skipped = (name) =>
  name === 'node_modules' || name === 'dist' || name.startsWith('cdktf.out') || name.startsWith('.');

/**
 * One line per input of the build: every .ts file of the repository (tsconfig's include is a subset), the two
 * configs, and npm's record of installed packages (the declaration files tsc reads). An added, removed, edited or
 * touched file changes the fingerprint.
 */
function fingerprint() {
  const lines = [];
  const add = (file) => {
    try {
      const s = fs.statSync(file);
      lines.push(`${path.relative(root, file)} ${s.size} ${s.mtimeMs}`);
    } catch {
      lines.push(`${path.relative(root, file)} missing`);
    }
  };
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (skipped(entry.name)) continue;
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) add(file);
    }
  };
  walk(root);
  for (const file of ['tsconfig.json', 'package.json', 'node_modules/.package-lock.json'])
    add(path.join(root, file));
  return lines.sort().join('\n');
}

function buildIfChanged() {
  const current = fingerprint();
  let last;
  try {
    last = fs.readFileSync(stamp, 'utf8');
  } catch {
    last = undefined;
  }
  if (current === last) return 0;
  const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
  // tsc prints its own messages; a type error stops here with tsc's exit code and runs nothing.
  const build = spawnSync(process.execPath, [tsc, '-b', path.join(root, 'tsconfig.json')], {
    stdio: 'inherit',
  });
  if (build.status !== 0) return build.status ?? 1;
  // The fingerprint taken before the build: a file edited while tsc ran triggers the next build.
  fs.writeFileSync(`${stamp}.${process.pid}`, current);
  fs.renameSync(`${stamp}.${process.pid}`, stamp);
  return 0;
}

/**
 * The entry and everything it requires from dist/ and node_modules in one CommonJS file beside it, so relative
 * paths (__dirname, the repository root found from it) stay the same. The code cache is left outside: this
 * launcher loads it first, so it also compiles the bundle itself. Rebuilt when older than the build stamp.
 */
function bundled(entry) {
  const output = entry.replace(/\.js$/, '.bundle.js');
  const mtime = (file) => fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? -1;
  if (mtime(output) >= mtime(stamp)) return output;
  // Left as `require('./app/compile-cache')`: the module this launcher already loaded.
  bundle(entry, output, [path.join(root, 'dist', 'app', 'compile-cache.js')]);
  return output;
}

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error('usage: node scripts/run-compiled.js dist/<entry>.js [args]');
  process.exit(2);
}
const status = buildIfChanged();
if (status !== 0) {
  process.exitCode = status;
} else {
  const file = bundled(path.resolve(entry));
  require(path.join(root, 'dist', 'app', 'compile-cache.js'));
  // The bundle runs as the main module, with the entry's arguments in process.argv.
  process.argv = [process.argv[0], file, ...args];
  Module.runMain();
}
