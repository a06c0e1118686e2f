import { TIERS } from '../config/schema';
import { loadEnvironment } from '../config/load';
import { formatFinding } from '../policy/policy-pack';
import { checkEnvironment } from '../scripts/policy';

describe.each(['dev', 'staging', 'prod'])('policy of environment %s', (env) => {
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
