/**
 * `npm run policy`: the policy pack's rules, then for every environment (at its own tier) the checks passed,
 * the violations and the suppressions. Builds each app in memory and writes nothing; exits 1 on any
 * violation or config error.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdktf';
import { buildApp } from '../app/build-app';
import { ConfigError, listEnvironments, loadEnvironment } from '../config/load';
import { PolicyReport } from '../policy/findings';
import { PolicyPack } from '../policy/policy-pack';
import { environmentLines, rulesTable } from '../policy/report';
import { RULES } from '../policy/rules';

/** Runs the policy pack over an environment's whole app (every stack), without synthesizing. */
export function checkEnvironment(env: string, tier?: string): { tier: string; report: PolicyReport } {
  const { config } = loadEnvironment(env, { tier });
  // App creates its outdir even when nothing is synthesized.
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'afpi-policy-'));
  try {
    const app = new App({ outdir, stackTraces: false });
    buildApp(app, config);
    return { tier: config.tier, report: PolicyPack.of(app).check(app) };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function main(): number {
  console.log(`AFPI policy pack: ${RULES.length} rules`);
  for (const line of rulesTable()) console.log(`  ${line}`);
  console.log('\nEnvironments:');
  let failed = false;
  for (const env of listEnvironments()) {
    try {
      const { tier, report } = checkEnvironment(env);
      for (const line of environmentLines(env, tier, report)) console.log(`  ${line}`);
      failed ||= report.violations.length > 0;
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      console.log(`  ${env.padEnd(8)} config error:\n    ${err.problems.join('\n    ')}`);
      failed = true;
    }
  }
  return failed ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
