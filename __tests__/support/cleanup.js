// globalTeardown: removes the run's temp folder (jest.config.js points TMPDIR at it) and checks that the system
// temp dir gained no entries of ours (system-tmp.js). Other checkouts' test runs on the same machine write the
// same names, so the check fails the run only in CI (which runs alone); elsewhere it warns.
const fs = require('fs');
const path = require('path');
const { ourEntries } = require('./system-tmp');

module.exports = async () => {
  fs.rmSync(path.join(__dirname, '..', '..', '.jest-tmp'), { recursive: true, force: true });
  const before = new Set(globalThis.afpiSystemTmpBefore);
  const added = ourEntries().filter((name) => !before.has(name));
  if (!added.length) return;
  const message = `the test run left ${added.length} entries in ${process.env.AFPI_SYSTEM_TMPDIR} (count of ours before ${before.size}, after ${before.size + added.length}): ${added.slice(0, 10).join(', ')}${added.length > 10 ? ', ...' : ''}. Write temp files under os.tmpdir() and pass TMPDIR on to child processes.`;
  if (process.env.CI) throw new Error(message);
  console.warn(`warning: ${message} (or another process wrote them at the same time)`);
};
