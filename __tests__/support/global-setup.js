// jest's one globalSetup: record the system temp dir (system-tmp.js), then fill the synth cache (presynth.js).
const recordSystemTmp = require('./system-tmp');
const presynth = require('./presynth');

module.exports = async (globalConfig) => {
  await recordSystemTmp();
  await presynth(globalConfig);
};
