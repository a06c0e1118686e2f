import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadEnvironment } from '../config/load';
import { KNOWN_REGIONS } from '../config/rules';
import { PRICE_TABLE, PriceLookupError } from '../cost/prices';
import { buildCostReport, renderConsole, renderMarkdown } from '../cost/report';
import { NOT_PRICED_TYPES } from '../cost/pricers';
import { CostInputError, readSynthesized, SynthesizedStack } from '../cost/synthesized';
import { resolveUsage, TIER_USAGE } from '../cost/usage';
import { stacksOf } from './support/cost';
import { problemsOf } from './support/env-files';
import { synthEnvironment } from './support/synth';

function reportFor(env: string, tier?: string, extra?: (stacks: SynthesizedStack[]) => void) {
  const { config } = loadEnvironment(env, { tier });
  const stacks = stacksOf(synthEnvironment(env, tier));
  extra?.(stacks);
  return buildCostReport(config, stacks);
}

describe('cost report of the synthesized environments', () => {
  it.each([
    ['dev', 'its own'],
    ['prod', 'its own'],
    ['staging', 'startup'],
    ['staging', 'growth'],
  ])('%s at %s tier: every resource is priced, free, or not priced for a stated reason', (env, tierName) => {
    const tier = tierName === 'its own' ? undefined : tierName;
    const report = reportFor(env, tier);
    const total = stacksOf(synthEnvironment(env, tier)).reduce((n, s) => n + s.resources.length, 0);
    const listed = report.estimate.stacks.reduce(
      (n, s) => n + s.priced.length + s.free.length + s.notPriced.length,
      0,
    );
    expect(listed).toBe(total);
    const unexpected = report.estimate.stacks.flatMap((s) =>
      s.notPriced
        // prod routes audit logs to their own bucket, whose volume the usage does not split from _Default.
        .filter((r) => !(r.type in NOT_PRICED_TYPES) && !r.address.includes('log-retention_audit'))
        .map((r) => `${r.address}: ${r.reason}`),
    );
    expect(unexpected).toEqual([]);
    expect(report.estimate.monthlyUsd).toBeCloseTo(
      report.estimate.stacks.reduce((n, s) => n + s.monthlyUsd, 0),
      6,
    );
  });

  it('prices the seed-sized prod data stack: HA db-n1-standard-2 and its DR replica', () => {
    const data = reportFor('prod').estimate.stacks.find((s) => s.id === 'data')!;
    const sql = data.priced.filter((r) => r.type === 'google_sql_database_instance').map((r) => r.basis);
    expect(sql).toEqual([
      expect.stringMatching(/^db-n1-standard-2 @ \$0\.14\/h x2 \(REGIONAL HA\)/),
      expect.stringMatching(/^replica, db-n1-standard-2 @ \$0\.14\/h,/),
    ]);
  });

  it('compares with its own GPU pools where it has them, counting a scale-to-zero pool at one node', () => {
    const dev = reportFor('dev').breakEven;
    expect(dev.gkeSource).toBe('environment');
    expect(dev.gpuPoolsAtOneNode.length).toBeGreaterThan(0);
    const prod = reportFor('prod');
    const gke = prod.estimate.stacks.filter((s) => ['gke-gpu', 'inference'].includes(s.id));
    expect(prod.breakEven.gkeMonthlyUsd).toBeCloseTo(
      gke.reduce((n, s) => n + s.monthlyUsd, 0),
      6,
    );
    expect(prod.breakEven.sharedMonthlyUsd).toBeCloseTo(
      prod.estimate.monthlyUsd - prod.breakEven.gkeMonthlyUsd,
      6,
    );
  });

  it("compares with the seed's Phase 2 GKE where the tier has no GPU pool", () => {
    for (const tier of ['startup', 'growth']) {
      const { breakEven } = reportFor('staging', tier);
      expect(breakEven.gkeSource).toBe('seed reference');
      expect(breakEven.gkeMonthlyUsd).toBeCloseTo(73 + 3 * (0.19 * 730 + 10) + 2 * (0.54 * 730 + 10), 6);
    }
  });

  it('lists a resource type without a price under "not priced", never drops it', () => {
    const report = reportFor('staging', 'startup', (stacks) =>
      stacks[0].resources.push({
        stack: stacks[0].id,
        type: 'google_alloydb_cluster',
        name: 'analytics',
        attrs: {},
      }),
    );
    const stack = report.estimate.stacks[0];
    expect(stack.notPriced).toContainEqual({
      address: 'google_alloydb_cluster.analytics',
      type: 'google_alloydb_cluster',
      reason: 'no price entry for this resource type',
    });
    expect(renderConsole(report)).toContain(
      `  ${stack.id}: google_alloydb_cluster.analytics: no price entry for this resource type`,
    );
    expect(renderMarkdown(report)).toContain(
      `- ${stack.id}: \`google_alloydb_cluster.analytics\`: no price entry for this resource type`,
    );
  });

  it('lists a pool whose machine type has no price with the lookup message', () => {
    const report = reportFor('dev', undefined, (stacks) => {
      const gke = stacks.find((s) => s.id === 'gke-gpu')!;
      gke.resources.push({
        stack: 'gke-gpu',
        type: 'google_container_node_pool',
        name: 'odd',
        attrs: { name: 'odd', node_count: 1, node_config: { machine_type: 'n9-mega-64' } },
      });
    });
    expect(report.estimate.stacks.find((s) => s.id === 'gke-gpu')!.notPriced).toContainEqual({
      address: 'google_container_node_pool.odd',
      type: 'google_container_node_pool',
      reason:
        'Machine type "n9-mega-64" has no price in us-central1. Fix: add it to compute.machineHourUsd in cost/prices.ts (GPU machines: catalog/gpus.ts), or use a priced machine type such as n1-standard-4',
    });
  });

  it('renders a table per stack, the total and the break-even, in the console and as Markdown', () => {
    const report = reportFor('staging', 'startup');
    const text = renderConsole(report);
    for (const stack of report.estimate.stacks)
      expect(text).toMatch(new RegExp(`^${stack.id} +USD/month  basis$`, 'm'));
    expect(text).toMatch(/^TOTAL +\$[\d,]+\.\d\d {2}per month$/m);
    expect(text).toContain('Break-even: $1,327.50/month of API spend = 26,550 conversations/month');
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('| Stack | USD/month |');
    expect(markdown).toMatch(/^\| \*\*Total\*\* \| \*\*\$[\d,]+\.\d\d\*\* \|$/m);
    expect(markdown).toContain('#### LLM serving break-even');
    expect(text).not.toContain('Spot nodes');
  });

  it('shows the Spot range of the total where pools run Spot, and lists what it leaves out', () => {
    const report = reportFor('dev');
    expect(report.estimate.minMonthlyUsd).toBeLessThan(report.estimate.monthlyUsd);
    const money = (usd: number) =>
      `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    const line = `Spot nodes priced at on-demand, the top of their range: with Spot at its deepest discount the total is ${money(report.estimate.minMonthlyUsd)} (range ${money(report.estimate.minMonthlyUsd)}-${money(report.estimate.monthlyUsd)}/month)`;
    expect(renderConsole(report)).toContain(`\n${line}\n`);
    expect(renderMarkdown(report)).toContain(`\n${line}\n`);
    expect(reportFor('prod').estimate.notes).toContain(
      'not in the total: cross-region replication to google_sql_database_instance.mysql_replica_B8756D43 (us-east1), inter-region data transfer per GiB the primary writes',
    );
  });

  it('notes an expectedNodes entry that matches no node pool', () => {
    const { config } = loadEnvironment('dev');
    const report = buildCostReport(
      { ...config, cost: { expectedNodes: { 'gpu-smal': 2 } } },
      stacksOf(synthEnvironment('dev')),
    );
    expect(report.estimate.notes).toEqual([
      expect.stringMatching(/^cost\.expectedNodes\.gpu-smal matches no node pool \(pools: /),
      'not in the total: Cloud KMS cryptographic operations, $0.030 per 10K (CMEK services such as Cloud SQL, Storage and GKE call them too)',
      'not in the total: Secret Manager access operations, $0.030 per 10K',
    ]);
  });
});

describe('regions', () => {
  const { config } = loadEnvironment('staging', { tier: 'scale' });
  const stacks = stacksOf(synthEnvironment('staging', 'scale'));

  // Never a $0 total or a break-even verdict from an empty price table: a right answer or a clear refusal.
  it.each(KNOWN_REGIONS.map((region) => [region]))('%s: priced, or refused in one line', (region) => {
    const build = () => buildCostReport({ ...config, region }, stacks);
    if (PRICE_TABLE[region]) {
      expect(build().estimate.monthlyUsd).toBeGreaterThan(1000);
    } else {
      expect(build).toThrow(PriceLookupError);
      expect(build).toThrow(
        `config/environments/staging.yaml region: region "${region}" has no prices in cost/prices.ts (priced: us-central1, us-east1), so no estimate is made. Fix: add its prices to PRICE_TABLE with each page and date, or estimate a priced region`,
      );
    }
  });

  it('refuses a DR region without prices', () => {
    expect(() => buildCostReport({ ...config, drRegion: 'europe-west1' }, stacks)).toThrow(
      'drRegion of staging (tier scale): region "europe-west1" has no prices in cost/prices.ts',
    );
  });
});

describe('usage', () => {
  it("takes the tier's figures from the seed's Traffic Projections", () => {
    expect(TIER_USAGE.startup).toEqual(expect.objectContaining({ usersPerDay: 100, requestsPerDay: 50_000 }));
    expect(TIER_USAGE.growth).toEqual(
      expect.objectContaining({ usersPerDay: 1_000, requestsPerDay: 500_000 }),
    );
    expect(TIER_USAGE.scale).toEqual(
      expect.objectContaining({ usersPerDay: 10_000, requestsPerDay: 5_000_000 }),
    );
    expect(TIER_USAGE.enterprise).toEqual(
      expect.objectContaining({ usersPerDay: 100_000, requestsPerDay: 50_000_000 }),
    );
    expect(TIER_USAGE.startup).toEqual(
      expect.objectContaining({ llmConversationsPerMonth: 10_000, apiCostPerConversationUsd: 0.05 }),
    );
  });

  it('lets an environment override single fields', () => {
    expect(resolveUsage(loadEnvironment('prod').config)).toEqual(TIER_USAGE.enterprise);
    expect(resolveUsage(loadEnvironment('dev').config)).toEqual({
      ...TIER_USAGE.scale,
      usersPerDay: 10,
      requestsPerDay: 5000,
      llmConversationsPerMonth: 1000,
      logsGiBPerMonth: 5,
      storageGiBPerBucket: 30,
      containerImagesGiB: 5,
      natDataGiBPerMonth: 20,
    });
  });

  it('rejects a negative usage figure', () => {
    expect(problemsOf('prod', { cost: { requestsPerDay: -5 } })).toEqual([
      'config/environments/prod.yaml: cost.requestsPerDay (-5) is negative. Fix: use 0 or more',
    ]);
  });

  it('rejects a share outside 0-1, a fractional node count and an instance serving under one request', () => {
    expect(
      problemsOf('prod', {
        cost: { backendRequestShare: 1.5, expectedNodes: { 'gpu-large': 1.5 }, requestsSharingAnInstance: 0 },
      }),
    ).toEqual([
      'config/environments/prod.yaml: cost.backendRequestShare (1.5) is not a fraction between 0 and 1. Fix: use a value from 0 to 1 (0.5 is half)',
      'config/environments/prod.yaml: cost.requestsSharingAnInstance (0) is below 1. Fix: use 1 or more (an instance serves at least one request)',
      'config/environments/prod.yaml: cost.expectedNodes.gpu-large (1.5) is not a node count. Fix: use a whole number of 0 or more',
    ]);
  });
});

describe('reading cdktf.out', () => {
  const options = { synthCommand: 'AFPI_ENV=prod npm run synth', projectId: 'afpi-production' };
  const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cost-'));

  it('tells the user to synthesize first when cdktf.out is missing', () => {
    const outdir = path.join(tempDir(), 'cdktf.out');
    expect(() => readSynthesized(outdir, options)).toThrow(
      new CostInputError(
        `Cannot read ${outdir}/manifest.json (no such file). Fix: run "AFPI_ENV=prod npm run synth" first, then "npm run cost" again`,
      ),
    );
  });

  it('tells the user to synthesize again when the output is unreadable', () => {
    const outdir = tempDir();
    fs.writeFileSync(
      path.join(outdir, 'manifest.json'),
      '{"stacks": {"data": {"synthesizedStackPath": "stacks/data/cdk.tf.json"}}}',
    );
    expect(() => readSynthesized(outdir, options)).toThrow(
      `Cannot read ${outdir}/stacks/data/cdk.tf.json (no such file). Fix: run "AFPI_ENV=prod npm run synth" first, then "npm run cost" again`,
    );
    fs.writeFileSync(path.join(outdir, 'manifest.json'), '{"stacks": ');
    expect(() => readSynthesized(outdir, options)).toThrow(
      `Cannot read ${outdir}/manifest.json (not valid JSON). Fix: run "AFPI_ENV=prod npm run synth" first, then "npm run cost" again`,
    );
  });

  it("refuses another environment's output", () => {
    const outdir = tempDir();
    fs.mkdirSync(path.join(outdir, 'stacks', 'state'), { recursive: true });
    fs.writeFileSync(
      path.join(outdir, 'manifest.json'),
      JSON.stringify({ stacks: { state: { synthesizedStackPath: 'stacks/state/cdk.tf.json' } } }),
    );
    fs.writeFileSync(
      path.join(outdir, 'stacks', 'state', 'cdk.tf.json'),
      JSON.stringify({
        provider: { google: [{ project: 'afpi-dev' }] },
        resource: { google_storage_bucket: { b: { location: 'US' } } },
      }),
    );
    expect(() => readSynthesized(outdir, options)).toThrow(
      `${outdir} holds project "afpi-dev", not "afpi-production". Fix: run "AFPI_ENV=prod npm run synth" first, then "npm run cost" again`,
    );
    expect(readSynthesized(outdir, { ...options, projectId: 'afpi-dev' })).toEqual([
      {
        id: 'state',
        project: 'afpi-dev',
        resources: [{ stack: 'state', type: 'google_storage_bucket', name: 'b', attrs: { location: 'US' } }],
      },
    ]);
  });
});
