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
import { buildCostReport } from '../cost/report';
import { markdownFiles } from './support/docs';
import { synthApp } from './support/synth';

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

  it.each([['growth'], ['scale']])('synthesizes every stack of tier %s with no policy violation', (tier) => {
    const { config } = loadEnvironment('qa', { environmentsDir: dir, tier });
    const app = synthApp(config);
    expect(Object.keys(app).sort()).toEqual([...config.stacks].sort());
    expect(app.network?.provider?.google?.[0]).toEqual(
      expect.objectContaining({ project: 'afpi-qa', region: 'europe-west4' }),
    );
  });

  it('gets a one-line refusal from the cost report while europe-west4 has no prices', () => {
    const { config } = loadEnvironment('qa', { environmentsDir: dir });
    expect(() => buildCostReport(config, [])).toThrow(
      /^config\/environments\/qa.yaml region: region "europe-west4" has no prices in cost\/prices.ts/,
    );
  });
});
