import { parse as parseYaml } from 'yaml';
import type { StackSummary } from '../app/synthesize';
import { parseYaml as parseFast } from '../config/parse-yaml';
import { TIERS } from '../config/schema';
import { listEnvironments, loadEnvironment } from '../config/load';
import type { PolicyReport } from '../policy/findings';
import { callInSynthThread, resourcesOf, synthesizeEnvironment, synthEnvironment } from './support/synth';

const summaries = (env: string, tier?: string): StackSummary[] => synthesizeEnvironment(env, tier).summaries;

describe.each(listEnvironments())('npm run synth of environment %s', (env) => {
  describe.each(TIERS)('at tier %s', (tier) => {
    const { config } = loadEnvironment(env, { tier });

    it('passes the policy pack: no violation', () => {
      // synthesize() throws PolicyError, whose message lists each construct path, rule and fix.
      expect(() => summaries(env, tier)).not.toThrow();
    });

    it('checks every stack that holds resources', () => {
      const checked = Object.fromEntries(
        summaries(env, tier).map((s) => [s.id, s.policy?.checksPassed ?? 0]),
      );
      for (const stack of config.stacks.filter((s) => s !== 'inference')) {
        expect(checked[stack]).toBeGreaterThan(0);
      }
    });

    it('suppresses only with written reasons', () => {
      for (const finding of summaries(env, tier).flatMap((s) => s.policy?.suppressed ?? []))
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

describe.each(['dev', 'prod'])('npm run policy of %s', (env) => {
  it('checks the resolved app exactly as npm run synth checks its written output', () => {
    const { config } = loadEnvironment(env);
    const { report } = callInSynthThread<{ report: PolicyReport }>('scripts/policy', 'checkEnvironment', env);
    expect(report.violations).toEqual([]);
    expect(Object.fromEntries(summaries(env).map((s) => [s.id, s.policy?.checksPassed ?? 0]))).toEqual(
      Object.fromEntries(config.stacks.map((id) => [id, report.checksPassedByStack[id] ?? 0])),
    );
  });
});
