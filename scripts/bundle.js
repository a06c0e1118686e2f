/**
 * One CommonJS file for a compiled entry and everything it requires from dist/ and node_modules (esbuild), for
 * scripts/run-compiled.js and the baselines of `npm run bench`. Plain JS: the launcher needs it before anything
 * is compiled.
 */
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');

/** Writes `outfile` (aside, then renamed: a concurrent run never loads half a file); `external` stays a require. */
function bundle(entry, outfile, external = []) {
  require(require.resolve('esbuild', { paths: [root] })).buildSync({
    entryPoints: [entry],
    outfile: `${outfile}.${process.pid}`,
    bundle: true,
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    // Whitespace only: no renaming (construct and class names stay), no syntax rewrites, so the synthesized
    // output is byte-identical; smaller to parse than the unminified bundle (7.5 MB instead of 11 MB).
    minifyWhitespace: true,
    logLevel: 'error',
    external,
  });
  fs.renameSync(`${outfile}.${process.pid}`, outfile);
}

module.exports = { bundle };
