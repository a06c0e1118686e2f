// jest's one globalSetup: record the system temp dir (system-tmp.js), clear the synth cache of a run stopped
// before its teardown (a run never reads another run's output), and give the run an id (a synth thread from an
// earlier run in the same process, `npx jest <file>` or --watch, is replaced: see support/synth.ts).
const fs = require('fs');
const path = require('path');
const recordSystemTmp = require('./system-tmp');

module.exports = async () => {
  await recordSystemTmp();
  const tmp = path.join(__dirname, '..', '..', '.jest-tmp');
  fs.rmSync(path.join(tmp, 'synth-cache'), { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  fs.writeFileSync(path.join(tmp, 'run-id'), `${process.pid}-${Date.now()}`);
};
