// globalSetup: every environment at every tier is synthesized and policy-checked once per run, in child processes
// (one per jest worker, in parallel) that fill the run's shared cache (support/synth.ts) before any test file
// starts. Without it each worker synthesizes what it needs first and loads cdktf and every provider module for
// it; with it most test files only read JSON. Only for whole-suite runs: `npx jest <file>` synthesizes just what
// that file uses. A failure here is not the run's: tests then synthesize on their own and report it themselves.
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..', '..');

module.exports = async (globalConfig) => {
  // A run stopped before its teardown leaves the cache behind; never read another run's output.
  fs.rmSync(path.join(root, '.jest-tmp', 'synth-cache'), { recursive: true, force: true });
  if (globalConfig.testPathPatterns.isSet()) return;
  const count = globalConfig.maxWorkers;
  const worker = (index) =>
    new Promise((resolve) => {
      const child = spawn(
        process.execPath,
        [
          '-r',
          './__tests__/support/swc-register.js',
          '__tests__/support/presynth-worker.ts',
          `${index}`,
          `${count}`,
        ],
        { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
      );
      child.on('exit', (code) => {
        if (code !== 0)
          console.warn(`\npresynth ${index + 1}/${count} exited with ${code}: tests synthesize themselves`);
        resolve();
      });
    });
  await Promise.all(Array.from({ length: count }, (_, index) => worker(index)));
};
