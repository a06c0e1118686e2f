import { loadEnvironment } from '../config/load';
import { capacitySpreads } from '../cost/capacity';
import { GPUS, MACHINE_TYPES } from '../catalog/gpus';
import { PRICE_TABLE } from '../cost/prices';
import { buildCostReport, renderConsole, renderMarkdown } from '../cost/report';
import { SynthesizedStack } from '../cost/synthesized';
import { HOURS_PER_MONTH, resolveUsage } from '../cost/usage';
import { SynthesizedApp, synthEnvironment } from './support/synth';

function stacksOf(app: SynthesizedApp): SynthesizedStack[] {
  return Object.entries(app).map(([id, tf]) => ({
    id,
    resources: Object.entries(tf?.resource ?? {}).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, attrs]) => ({ stack: id, type, name, attrs })),
    ),
  }));
}

/** g2-standard-8 + 1x L4 + 100 GB pd-balanced, per hour, from the catalogs (not from the pricer). */
const l4Hour =
  MACHINE_TYPES['g2-standard-8'].pricePerHourUsd +
  GPUS.l4.pricePerHourUsd +
  (100 * PRICE_TABLE['us-central1']!.compute.diskGbMonthUsd['pd-balanced']) / HOURS_PER_MONTH;
const l4SpotFloor =
  (MACHINE_TYPES['g2-standard-8'].pricePerHourUsd + GPUS.l4.pricePerHourUsd) *
    (1 - PRICE_TABLE['us-central1']!.compute.maxSpotDiscount) +
  (100 * PRICE_TABLE['us-central1']!.compute.diskGbMonthUsd['pd-balanced']) / HOURS_PER_MONTH;

describe('cost: GPU capacity fallback', () => {
  const prod = stacksOf(synthEnvironment('prod'));
  const dev = stacksOf(synthEnvironment('dev'));
  const prodConfig = loadEnvironment('prod').config;

  it('lists each class’s options in priority order with spot as a range, not a point', () => {
    const [small] = capacitySpreads(prod, 'us-central1', resolveUsage(prodConfig));
    expect(small.computeClass).toBe('gpu-small');
    expect(small.options.map((o) => [o.nodePool, o.provisioning])).toEqual([
      ['gpu-small', 'on-demand'],
      ['gpu-small-flex', 'flex-start'],
      ['gpu-small-spot', 'spot'],
    ]);
    const spot = small.options[2];
    expect(spot.hourUsd).toBeCloseTo(l4Hour, 6);
    expect(spot.minHourUsd).toBeCloseTo(l4SpotFloor, 6);
    expect(small.options[0].minHourUsd).toBeCloseTo(small.options[0].hourUsd, 9);
    expect(small.nodes).toBe(1);
    expect(small.minMonthlyUsd).toBeCloseTo(l4SpotFloor * HOURS_PER_MONTH, 4);
    expect(small.maxMonthlyUsd).toBeCloseTo(l4Hour * HOURS_PER_MONTH, 4);
  });

  it('prices the first choice in the total: fallback pools start empty and add nothing', () => {
    const report = buildCostReport(prodConfig, prod);
    const pools = report.estimate.stacks
      .find((s) => s.id === 'gke-gpu')!
      .priced.filter((p) => p.type === 'google_container_node_pool');
    const priced = (name: string) => pools.find((p) => p.address.includes(`.${name}-pool_`))!.monthlyUsd;
    expect(priced('gpu-small')).toBeGreaterThan(0);
    for (const fallback of ['gpu-small-flex', 'gpu-small-spot', 'gpu-large-flex', 'gpu-large-spot']) {
      expect(priced(fallback)).toBe(0);
    }
  });

  it('counts only first choices at one node in the break-even (dev: spot first, on-demand fallback)', () => {
    const report = buildCostReport(loadEnvironment('dev').config, dev);
    expect(report.breakEven.gpuPoolsAtOneNode).toEqual(['gpu-small']);
  });

  it('shows the spread in the console and the pull-request Markdown', () => {
    const report = buildCostReport(prodConfig, prod);
    const spread = `spread $${report.capacity[0].minMonthlyUsd.toFixed(2)}-$${report.capacity[0].maxMonthlyUsd.toFixed(2)}/month for 1 node`;
    expect(renderConsole(report)).toContain('GPU capacity fallback');
    expect(renderConsole(report)).toContain(spread);
    expect(renderConsole(report)).toMatch(/gpu-small-spot \(spot\) \$0\.\d\d-\$0\.\d\d\/h/);
    expect(renderMarkdown(report)).toContain('#### GPU capacity fallback');
    expect(renderMarkdown(report)).toContain(spread);
  });
});
