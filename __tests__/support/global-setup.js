// jest's one globalSetup: record the system temp dir (system-tmp.js) and clear the synth cache of a run stopped
// before its teardown: a run never reads another run's output.
const fs = require('fs');
const path = require('path');
const recordSystemTmp = require('./system-tmp');

module.exports = async () => {
  await recordSystemTmp();
  fs.rmSync(path.join(__dirname, '..', '..', '.jest-tmp', 'synth-cache'), { recursive: true, force: true });
};
