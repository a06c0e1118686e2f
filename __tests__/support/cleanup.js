// globalTeardown: removes the run's temp folder (jest.config.js points TMPDIR at it) and fails the run when the
// system temp dir gained entries of ours (system-tmp.js).
const fs = require('fs');
const path = require('path');
const { ourEntries } = require('./system-tmp');

module.exports = async () => {
  fs.rmSync(path.join(__dirname, '..', '..', '.jest-tmp'), { recursive: true, force: true });
  const before = new Set(globalThis.afpiSystemTmpBefore);
  const added = ourEntries().filter((name) => !before.has(name));
  if (added.length)
    throw new Error(
      `the test run left ${added.length} entries in ${process.env.AFPI_SYSTEM_TMPDIR} (count before ${before.size}, after ${before.size + added.length}): ${added.join(', ')}. Write temp files under os.tmpdir() and pass TMPDIR on to child processes (another process writing there at the same time shows up here too).`,
    );
};
