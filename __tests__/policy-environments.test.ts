import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { synthesize } from '../app/synthesize';
import { parseYaml as parseFast } from '../config/parse-yaml';
import { TIERS } from '../config/schema';
import { listEnvironments, loadEnvironment } from '../config/load';
import { formatFinding } from '../policy/policy-pack';
import { checkEnvironment, resourcesOf, synthEnvironment } from './support/synth';

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

    it('reads every Helm values document it checks as the yaml package parses it', () => {
      const texts = Object.values(synthEnvironment(env, tier)).flatMap((stack) =>
        resourcesOf(stack, 'helm_release').flatMap((r) => r.values as string[]),
      );
      if (config.stacks.includes('inference')) expect(texts.length).toBeGreaterThan(0);
      for (const text of texts) expect(parseFast(text)).toStrictEqual(parseYaml(text));
    });
  });
});

describe.each(['dev', 'prod'])('npm run synth of %s', (env) => {
  it('checks its written output exactly as the pack checks the resolved app', () => {
    const { config } = loadEnvironment(env);
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'policy-output-')), 'cdktf.out');
    const byStack = Object.fromEntries(
      synthesize(config, outdir).map((s) => [s.id, s.policy?.checksPassed ?? 0]),
    );
    const { report } = checkEnvironment(env);
    expect(byStack).toEqual(
      Object.fromEntries(config.stacks.map((id) => [id, report.checksPassedByStack[id] ?? 0])),
    );
  });
});
