import { nodePricePerHourUsd, PRESETS } from '../catalog/presets';
import { breakEven, referenceGkeMonthlyUsd } from '../cost/break-even';
import { PRICERS } from '../cost/pricers';
import { NO_FACTS } from '../cost/pricers/types';
import { SEED } from '../cost/prices';
import { HOURS_PER_MONTH, TIER_USAGE } from '../cost/usage';

const sum = (lines: readonly { monthlyUsd: number }[]) =>
  lines.reduce((total, line) => total + line.monthlyUsd, 0);

describe("the seed's cost comparison and break-even", () => {
  const seed = breakEven({
    sharedMonthlyUsd: sum(SEED.cloudRunMonthlyUsd),
    gkeMonthlyUsd: sum(SEED.gkeMonthlyUsd),
    conversationsPerMonth: SEED.llmApi.conversationsPerMonth,
    apiCostPerConversationUsd: SEED.llmApi.monthlyUsd / SEED.llmApi.conversationsPerMonth,
  });

  it('reproduces "Cloud Run + External LLM APIs": $400 + $500 = $900/month', () => {
    expect(seed.sharedMonthlyUsd).toBe(400);
    expect(seed.apiSpendUsd).toBe(500);
    expect(seed.apisMonthlyUsd).toBe(900);
  });

  it('reproduces "GKE + Local LLMs": $1,613/month with no API cost', () => {
    expect(seed.gpusMonthlyUsd).toBe(1613);
  });

  it('puts the break-even near $1,200/month of API spend, ~24K conversations, APIs cheaper at 10K', () => {
    expect(seed.breakEvenApiSpendUsd).toBe(1213);
    expect(Math.abs(seed.breakEvenApiSpendUsd - 1200) / 1200).toBeLessThan(0.02);
    expect(seed.breakEvenConversations).toBeCloseTo(24_260, 6);
    expect(Math.round(seed.breakEvenConversations / 1000)).toBe(24);
    expect(seed).toEqual(expect.objectContaining({ cheaper: 'apis', savingUsd: 713 }));
  });

  it('flips to GPUs above the break-even, and never breaks even when conversations cost nothing', () => {
    const busy = breakEven({
      sharedMonthlyUsd: 400,
      gkeMonthlyUsd: 1213,
      conversationsPerMonth: 30_000,
      apiCostPerConversationUsd: 0.05,
    });
    expect(busy).toEqual(expect.objectContaining({ apisMonthlyUsd: 1900, cheaper: 'gpus', savingUsd: 287 }));
    const free = breakEven({
      sharedMonthlyUsd: 400,
      gkeMonthlyUsd: 1213,
      conversationsPerMonth: 30_000,
      apiCostPerConversationUsd: 0,
    });
    expect(free).toEqual(expect.objectContaining({ breakEvenConversations: Infinity, cheaper: 'apis' }));
  });

  it("matches the seed's node figures from the catalog's list prices (T4 $0.54/h, V100 $2.86/h)", () => {
    expect(nodePricePerHourUsd(PRESETS.small)).toBeCloseTo(SEED.gpuNodes.small.hourUsd, 6);
    expect(nodePricePerHourUsd(PRESETS.medium)).toBeCloseTo(SEED.gpuNodes.medium.hourUsd, 6);
  });

  it("keeps list price for 2x A100: the seed's $12.00/h ($6/GPU) is above a2-highgpu-2g's list price", () => {
    expect(nodePricePerHourUsd(PRESETS.large)).toBeCloseTo(1.48 + 2 * 2.93, 6);
    expect(SEED.gpuNodes.large.hourUsd).toBe(12);
  });

  it("prices the seed's control plane and 24/7 T4 nodes within 1.1% of its table", () => {
    const ctx = {
      region: 'us-central1',
      usage: TIER_USAGE.startup,
      facts: NO_FACTS,
      lookup: () => undefined,
    };
    const cluster = PRICERS.google_container_cluster(
      { stack: 's', type: 'google_container_cluster', name: 'c', attrs: { remove_default_node_pool: true } },
      ctx,
    );
    expect(cluster.monthlyUsd).toBe(SEED.gkeMonthlyUsd[0].monthlyUsd);
    const seedGpuNodes = 2 * SEED.gpuNodes.small.hourUsd * HOURS_PER_MONTH;
    expect(
      Math.abs(seedGpuNodes - SEED.gkeMonthlyUsd[2].monthlyUsd) / SEED.gkeMonthlyUsd[2].monthlyUsd,
    ).toBeLessThan(0.011);
  });

  it("prices the seed's Phase 2 GKE from the table: list prices without discounts, 100 GB disks", () => {
    const cpuNode = 0.19 * 730 + 10;
    const gpuNode = 0.54 * 730 + 10;
    expect(referenceGkeMonthlyUsd('us-central1', TIER_USAGE.startup)).toBeCloseTo(
      73 + 3 * cpuNode + 2 * gpuNode,
      6,
    );
  });
});
