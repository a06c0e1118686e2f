// globalSetup: records which of our temp entries the system temp dir holds before the run; cleanup.js compares.
// "Ours" is every prefix our sources pass to mkdtemp, plus cdktf's Testing.app() folders and jest's cache: a
// test that bypasses TMPDIR (a hard-coded /tmp, a child started without it) leaves one of these behind.
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..', '..');
const FIXED_PREFIXES = ['cdktf.outdir.', 'cdktf-module-asset-', 'jest_'];

function sourcePrefixes(dir) {
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sourcePrefixes(file));
    else if (entry.name.endsWith('.ts'))
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/tmpdir\(\),\s*'([^']+)'/g)) found.push(m[1]);
  }
  return found;
}

/** Names of our entries in the system temp dir (the TMPDIR jest was started with). */
function ourEntries() {
  const prefixes = [
    ...FIXED_PREFIXES,
    ...sourcePrefixes(path.join(root, '__tests__')),
    ...sourcePrefixes(path.join(root, 'scripts')),
  ];
  return fs
    .readdirSync(process.env.AFPI_SYSTEM_TMPDIR)
    .filter((name) => prefixes.some((p) => name.startsWith(p)));
}

module.exports = async () => {
  globalThis.afpiSystemTmpBefore = ourEntries();
};
module.exports.ourEntries = ourEntries;
