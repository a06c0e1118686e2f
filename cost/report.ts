import { EnvironmentConfig } from '../config/schema';
import { environmentBreakEven, EnvironmentBreakEven } from './break-even';
import { capacitySpreads, CapacitySpread, fallbackPoolNames } from './capacity';
import { CostEstimate, estimateCosts, ListedResource } from './estimate';
import { assertPriced, pricesAsOf } from './prices';
import { SynthesizedStack } from './synthesized';
import { resolveUsage, Usage } from './usage';

export interface CostReport {
  readonly env: string;
  readonly tier: string;
  readonly projectId: string;
  readonly region: string;
  readonly pricesAsOf: string;
  readonly usage: Usage;
  readonly estimate: CostEstimate;
  readonly breakEven: EnvironmentBreakEven;
  /** Price spread of each GPU pool's capacity fallback (the estimate prices the first choice). */
  readonly capacity: readonly CapacitySpread[];
}

/** Throws PriceLookupError (one line) when the table lacks the region or the DR region. */
export function buildCostReport(
  config: Pick<EnvironmentConfig, 'env' | 'tier' | 'projectId' | 'region' | 'drRegion' | 'cost'>,
  stacks: SynthesizedStack[],
): CostReport {
  const file = `config/environments/${config.env}.yaml`;
  assertPriced({
    [config.region]: `${file} region`,
    ...(config.drRegion ? { [config.drRegion]: `drRegion of ${config.env} (tier ${config.tier})` } : {}),
  });
  const usage = resolveUsage(config);
  const estimate = estimateCosts(stacks, config.region, usage);
  const capacity = capacitySpreads(stacks, config.region, usage);
  return {
    env: config.env,
    tier: config.tier,
    projectId: config.projectId,
    region: config.region,
    pricesAsOf: pricesAsOf(),
    usage,
    estimate,
    breakEven: environmentBreakEven(estimate, stacks, config.region, usage, fallbackPoolNames(capacity)),
    capacity,
  };
}

const money = (usd: number) =>
  `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const whole = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'never');

function header(r: CostReport): string[] {
  const u = r.usage;
  return [
    `Monthly cost estimate: ${r.env} (tier ${r.tier}, project ${r.projectId}, ${r.region})`,
    `List prices as of ${r.pricesAsOf} (cost/prices.ts, catalog/gpus.ts); no free tiers, sustained-use or committed-use discounts.`,
    `Usage (config "cost", defaults per tier in cost/usage.ts): ${whole(u.usersPerDay)} users/day, ` +
      `${whole(u.requestsPerDay)} requests/day, ${whole(u.llmConversationsPerMonth)} LLM conversations/month ` +
      `at $${u.apiCostPerConversationUsd}/conversation.`,
  ];
}

/** Free resources of a stack as "type xN" groups. */
function freeSummary(free: ListedResource[]): string {
  const counts = new Map<string, number>();
  for (const r of free) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
  return [...counts].map(([type, n]) => (n > 1 ? `${type} x${n}` : type)).join(', ');
}

/** Not-priced resources, those of one type with the same reason in one stack as one line. */
function notPriced(r: CostReport): { stack: string; what: string; reason: string }[] {
  const groups = new Map<string, { stack: string; items: ListedResource[] }>();
  for (const stack of r.estimate.stacks) {
    for (const item of stack.notPriced) {
      const key = `${stack.id}\0${item.type}\0${item.reason}`;
      if (!groups.has(key)) groups.set(key, { stack: stack.id, items: [] });
      groups.get(key)!.items.push(item);
    }
  }
  return [...groups.values()].map(({ stack, items }) => ({
    stack,
    what: items.length === 1 ? items[0].address : `${items[0].type} x${items.length}`,
    reason: items[0].reason,
  }));
}

function notPricedCount(r: CostReport): number {
  return r.estimate.stacks.reduce((n, s) => n + s.notPriced.length, 0);
}

function breakEvenLines(b: EnvironmentBreakEven, conversations: number): string[] {
  const gkeFrom =
    b.gkeSource === 'environment'
      ? `the gke-gpu and inference stacks${b.gpuPoolsAtOneNode.length > 0 ? `, GPU pools ${b.gpuPoolsAtOneNode.join(', ')} at 1 node 24/7 instead of 0` : ''}`
      : "the seed's Phase 2 GKE (3x n1-standard-4, 2x n1-standard-4 + T4), this environment has no GPU pool";
  const winner = b.cheaper === 'apis' ? 'Cloud Run + external APIs' : 'GKE + local GPUs';
  return [
    `Cloud Run + external APIs: ${money(b.apisMonthlyUsd)}/month (${money(b.sharedMonthlyUsd)} shared + ${money(b.apiSpendUsd)} API spend)`,
    `GKE + local GPUs:          ${money(b.gpusMonthlyUsd)}/month (${money(b.sharedMonthlyUsd)} shared + ${money(b.gkeMonthlyUsd)} from ${gkeFrom})`,
    `Break-even: ${money(b.breakEvenApiSpendUsd)}/month of API spend = ${whole(b.breakEvenConversations)} conversations/month`,
    `At ${whole(conversations)} conversations/month, ${winner} is cheaper by ${money(b.savingUsd)}/month.`,
  ];
}

/** The Spot range of the total, when there are Spot nodes. */
function spotRange(r: CostReport): string | undefined {
  const { minMonthlyUsd, monthlyUsd } = r.estimate;
  return minMonthlyUsd < monthlyUsd - 0.005
    ? `Spot nodes priced at on-demand, the top of their range: with Spot at its deepest discount the total is ${money(minMonthlyUsd)} (range ${money(minMonthlyUsd)}-${money(monthlyUsd)}/month)`
    : undefined;
}

const rate = (min: number, max: number) =>
  min < max - 0.005 ? `${money(min)}-${money(max)}/h` : `${money(max)}/h`;

/** Per GPU pool: each way to get a node with its hourly price, and the spread from cheapest to dearest. */
function capacityLines(r: CostReport): string[] {
  return r.capacity.flatMap((c) => [
    `${c.computeClass}: ${c.options.map((o, i) => `${i === 0 ? 'first choice ' : ''}${o.nodePool} (${o.provisioning}) ${rate(o.minHourUsd, o.hourUsd)}`).join(' -> ')}`,
    `  spread ${money(c.minMonthlyUsd)}-${money(c.maxMonthlyUsd)}/month for ${c.nodes} node${c.nodes === 1 ? '' : 's'} running all month (cheapest to dearest option; spot as a range)`,
  ]);
}

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** Plain-text report for the terminal: a table per stack, the total, what is not priced, the break-even. */
export function renderConsole(r: CostReport): string {
  const lines = [...header(r), ''];
  const width = Math.max(40, ...r.estimate.stacks.flatMap((s) => s.priced.map((p) => p.address.length + 2)));
  for (const stack of r.estimate.stacks) {
    lines.push(`${pad(stack.id, width)} ${pad('USD/month', 11, true)}  basis`);
    for (const p of stack.priced)
      lines.push(`  ${pad(p.address, width - 2)} ${pad(money(p.monthlyUsd), 11, true)}  ${p.basis}`);
    if (stack.free.length > 0) lines.push(`  free: ${freeSummary(stack.free)}`);
    if (stack.notPriced.length > 0) lines.push(`  not priced: ${stack.notPriced.length} (listed below)`);
    lines.push(`  ${pad('subtotal', width - 2)} ${pad(money(stack.monthlyUsd), 11, true)}`, '');
  }
  lines.push(`${pad('TOTAL', width)} ${pad(money(r.estimate.monthlyUsd), 11, true)}  per month`);
  const range = spotRange(r);
  if (range) lines.push(range);
  lines.push('');
  lines.push(`Not priced (${notPricedCount(r)}):${notPricedCount(r) === 0 ? ' none' : ''}`);
  for (const m of notPriced(r)) lines.push(`  ${m.stack}: ${m.what}: ${m.reason}`);
  for (const note of r.estimate.notes) lines.push(`Note: ${note}`);
  if (r.capacity.length > 0) {
    lines.push('', 'GPU capacity fallback (the total prices each first choice; fallback pools start empty):');
    lines.push(...capacityLines(r).map((l) => `  ${l}`));
  }
  lines.push('', 'LLM serving break-even (seed "Break-even Analysis"):');
  lines.push(...breakEvenLines(r.breakEven, r.usage.llmConversationsPerMonth).map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/** Markdown for a pull-request comment: totals per stack, then each stack's resources in a collapsed block. */
export function renderMarkdown(r: CostReport): string {
  const [title, ...intro] = header(r);
  const lines = [
    `### ${title}`,
    '',
    ...intro.map((l) => `${l}  `),
    '',
    '| Stack | USD/month |',
    '|---|---:|',
  ];
  for (const stack of r.estimate.stacks) lines.push(`| ${stack.id} | ${money(stack.monthlyUsd)} |`);
  lines.push(`| **Total** | **${money(r.estimate.monthlyUsd)}** |`, '');
  const range = spotRange(r);
  if (range) lines.push(range, '');
  for (const stack of r.estimate.stacks) {
    lines.push(`<details><summary>${stack.id}: ${money(stack.monthlyUsd)}</summary>`, '');
    lines.push('| Resource | USD/month | Basis |', '|---|---:|---|');
    for (const p of stack.priced)
      lines.push(`| \`${p.address}\` | ${money(p.monthlyUsd)} | ${cell(p.basis)} |`);
    if (stack.free.length > 0) lines.push('', `Free: ${freeSummary(stack.free)}`);
    lines.push('', '</details>', '');
  }
  lines.push(`#### Not priced (${notPricedCount(r)})`, '');
  if (notPricedCount(r) === 0) lines.push('None.');
  for (const m of notPriced(r)) lines.push(`- ${m.stack}: \`${m.what}\`: ${cell(m.reason)}`);
  for (const note of r.estimate.notes) lines.push('', `> Note: ${note}`);
  if (r.capacity.length > 0) {
    lines.push(
      '',
      '#### GPU capacity fallback',
      '',
      'The total prices each first choice; fallback pools start empty.',
      '',
    );
    lines.push(...capacityLines(r).map((l) => (l.startsWith('  ') ? `  - ${l.trim()}` : `- ${cell(l)}`)));
  }
  lines.push('', '#### LLM serving break-even', '');
  lines.push(
    ...breakEvenLines(r.breakEven, r.usage.llmConversationsPerMonth).map(
      (l) => `- ${l.replace(/ {2,}/g, ' ')}`,
    ),
  );
  return `${lines.join('\n')}\n`;
}
