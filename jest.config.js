const fs = require('fs');
const path = require('path');
const os = require('os');

// Tests and the processes they start write temp files into os.tmpdir(). Jest loads this file in its main process
// before it starts the workers, which inherit this process's environment: TMPDIR set here reaches them (a setup
// file runs too late, in the sandbox's copy of process.env). globalTeardown removes the folder and fails the run
// when the system temp dir gained entries of ours.
process.env.AFPI_SYSTEM_TMPDIR ??= os.tmpdir();
process.env.TMPDIR = path.join(__dirname, '.jest-tmp');
fs.mkdirSync(process.env.TMPDIR, { recursive: true });
// A larger young generation for the workers, their synth threads and the node processes tests start: tests
// allocate many short-lived objects, and fewer scavenges save ~3 % of the suite's CPU. The flag is part of V8's
// code cache tag: the caches key their entries by it (app/compile-cache.ts, support/code-cache-runtime.js).
process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, '--max-semi-space-size=64'].filter(Boolean).join(' ');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // swc strips types without checking them (tsc does that in `npm run typecheck`): ~10x faster than ts-jest.
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] },
  // Kept between runs, and not in the system temp dir.
  cacheDirectory: '<rootDir>/node_modules/.cache/jest',
  globalSetup: '<rootDir>/__tests__/support/global-setup.js',
  globalTeardown: '<rootDir>/__tests__/support/cleanup.js',
  snapshotFormat: { escapeString: false, printBasicPrototype: false },
  moduleNameMapper: {
    // cdktf's tokens (lazy, intrinsic, lists) and constructs' metadata; no other package we load has a stack-trace.
    '^\\./((tokens/)?private/)?stack-trace$': '<rootDir>/__tests__/support/no-stack-trace.js',
  },
  // jest 30 walks and deletes each test file's globals after it by default ("soft"): ~3 s of the suite's CPU for
  // memory that goes with the test file's context anyway.
  testEnvironmentOptions: { globalsCleanup: 'off' },
  maxWorkers: 2,
  runtime: '<rootDir>/__tests__/support/code-cache-runtime.js',
};
