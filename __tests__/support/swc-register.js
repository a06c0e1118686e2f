// Lets a child `node` process run the TypeScript sources directly (node -r ./__tests__/support/swc-register.js
// main.ts), so CLI tests need no `npm run build` first. Types are not checked here; `npm run typecheck` does that.
// What swc wrote for a source is kept in node_modules/.cache/afpi-swc-register (AFPI_SWC_CACHE_DIR), keyed by the
// source text, the options and swc's version: an unchanged source is not compiled again, and @swc/core is loaded
// only when one is.
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const OPTIONS = {
  // Only these options: a .swcrc would change the output without changing the cache key.
  swcrc: false,
  jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
  module: { type: 'commonjs' },
};
const swcVersion = require('@swc/core/package.json').version;
const cacheDir =
  process.env.AFPI_SWC_CACHE_DIR ||
  path.join(__dirname, '..', '..', 'node_modules', '.cache', 'afpi-swc-register');
let swc;

function compiled(source, filename) {
  const key = crypto
    .createHash('sha1')
    .update(`${swcVersion}\0${JSON.stringify(OPTIONS)}\0${filename}\0${source}`)
    .digest('hex');
  const file = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    swc ??= require('@swc/core');
    const { code } = swc.transformSync(source, { filename, ...OPTIONS });
    try {
      fs.mkdirSync(cacheDir, { recursive: true });
      // Written aside and renamed: a process running at the same time never reads half a file.
      fs.writeFileSync(`${file}.${process.pid}`, code);
      fs.renameSync(`${file}.${process.pid}`, file);
    } catch {
      // A read-only install only loses the speed-up.
    }
    return code;
  }
}

require.extensions['.ts'] = (module, filename) => {
  module._compile(compiled(fs.readFileSync(filename, 'utf8'), filename), filename);
};
