import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { StackSummary } from '../app/synthesize';
import { TIERS } from '../config/schema';
import { listEnvironments, loadEnvironment } from '../config/load';
import { formatFinding } from '../policy/findings';
import { callInSynthThread, checkEnvironment } from './support/synth';

describe.each(listEnvironments())('policy of environment %s', (env) => {
  describe.each(TIERS)('at tier %s', (tier) => {
    const { report } = checkEnvironment(env, tier);
    const { config } = loadEnvironment(env, { tier });

    it('has no violation', () => {
      // Listed as lines so a failure names the construct path, rule and fix.
      expect(report.violations.map(formatFinding)).toEqual([]);
    });

    it('checks every stack that holds resources', () => {
      for (const stack of config.stacks.filter((s) => s !== 'inference')) {
        expect(report.checksPassedByStack[stack]).toBeGreaterThan(0);
      }
    });

    it('suppresses only with written reasons', () => {
      for (const finding of report.suppressed)
        expect(finding.suppressedBecause!.length).toBeGreaterThanOrEqual(20);
    });
  });
});

describe.each(['dev', 'prod'])('npm run synth of %s', (env) => {
  it('checks its written output exactly as the pack checks the resolved app', () => {
    const { config } = loadEnvironment(env);
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'policy-output-')), 'cdktf.out');
    const byStack = Object.fromEntries(
      callInSynthThread<StackSummary[]>('app/synthesize', 'synthesize', config, outdir).map((s) => [
        s.id,
        s.policy?.checksPassed ?? 0,
      ]),
    );
    const { report } = checkEnvironment(env);
    expect(byStack).toEqual(
      Object.fromEntries(config.stacks.map((id) => [id, report.checksPassedByStack[id] ?? 0])),
    );
  });
});
