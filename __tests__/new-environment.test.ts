/**
 * The README's "Add an environment" example (docs/examples/qa.yaml, shown verbatim in the docs) is a file that
 * loads and synthesizes at every tier, so the guide cannot go stale.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadEnvironment } from '../config/load';
import { repoRoot } from '../config/paths';
import { TIERS } from '../config/schema';
import { PRICE_TABLE, UnpricedRegionError } from '../cost/prices';
import { buildCostReport } from '../cost/report';
import { stacksOf } from './support/cost';
import { markdownFiles } from './support/docs';
import { SynthesizedApp, synthApp } from './support/synth';

const EXAMPLE = path.join(repoRoot, 'docs', 'examples', 'qa.yaml');

describe('the minimal environment file of "Add an environment"', () => {
  const text = fs.readFileSync(EXAMPLE, 'utf8');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'new-env-'));
  fs.writeFileSync(path.join(dir, 'qa.yaml'), text);

  it('is shown verbatim in the docs', () => {
    const shownIn = markdownFiles().filter((file) =>
      fs.readFileSync(file, 'utf8').includes(`\`\`\`yaml\n${text}\`\`\``),
    );
    expect(shownIn.map((file) => path.relative(repoRoot, file))).toEqual(['README.md']);
  });

  it.each(TIERS.map((tier) => [tier]))('loads at tier %s', (tier) => {
    const { config } = loadEnvironment('qa', { environmentsDir: dir, tier });
    expect(config).toEqual(expect.objectContaining({ env: 'qa', tier, region: 'europe-west4' }));
    expect(config.stateBucket.location).toBe('EU');
  });

  // Each tier is synthesized once, for the synth and the cost report tests.
  const apps = new Map<string, SynthesizedApp>();
  const appAt = (tier: string): SynthesizedApp => {
    if (!apps.has(tier))
      apps.set(tier, synthApp(loadEnvironment('qa', { environmentsDir: dir, tier }).config));
    return apps.get(tier)!;
  };

  it.each([['growth'], ['scale']])('synthesizes every stack of tier %s with no policy violation', (tier) => {
    const { config } = loadEnvironment('qa', { environmentsDir: dir, tier });
    const app = appAt(tier);
    expect(Object.keys(app).sort()).toEqual([...config.stacks].sort());
    expect(app.network?.provider?.google?.[0]).toEqual(
      expect.objectContaining({ project: 'afpi-qa', region: 'europe-west4' }),
    );
  });

  // No cited Cloud SQL or Memorystore prices exist for europe-west4 yet: the report of the synthesized stacks stops
  // in one line at both tiers, never a $0 total or a break-even verdict (issue 22 item 4).
  it.each([['growth'], ['scale']])('gets a one-line refusal from the cost report at tier %s', (tier) => {
    const { config } = loadEnvironment('qa', { environmentsDir: dir, tier });
    const stacks = stacksOf(appAt(tier));
    const priced = Object.keys(PRICE_TABLE).join(', ');
    expect(stacks.flatMap((stack) => stack.resources).length).toBeGreaterThan(0);
    expect(() => buildCostReport(config, stacks)).toThrow(UnpricedRegionError);
    expect(() => buildCostReport(config, stacks)).toThrow(
      `config/environments/qa.yaml region: region "europe-west4" has no prices in cost/prices.ts (priced: ${priced}), so no estimate is made. Fix: add its prices to PRICE_TABLE with each page and date, or estimate a priced region`,
    );
  });
});
