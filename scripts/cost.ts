/**
 * `npm run cost [-- --markdown [--out <file>]]`: monthly cost estimate of what `npm run synth` wrote for the
 * environment AFPI_ENV (and AFPI_TIER) selects, read from cdktf.out (or CDKTF_OUTDIR), plus the LLM serving
 * break-even. Offline: prices come from cost/prices.ts and catalog/gpus.ts. Exit codes: 0 report, 1 error, 2 usage,
 * 3 no estimate because the environment's region has no prices (a known gap, not a failure of the stacks).
 */
import * as fs from 'fs';
import { ConfigError, DEFAULT_ENV, loadFromProcessEnv } from '../config/load';
import { PriceLookupError, UnpricedRegionError } from '../cost/prices';
import { buildCostReport, renderConsole, renderMarkdown } from '../cost/report';
import { CostInputError, readSynthesized } from '../cost/synthesized';

const USAGE = 'Usage: npm run cost [-- --markdown [--out <file>]]';

function main(argv: string[]): number {
  const markdown = argv.includes('--markdown');
  const outIndex = argv.indexOf('--out');
  const out = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  const unknown = argv.filter(
    (arg, i) => arg !== '--markdown' && (outIndex < 0 || (i !== outIndex && i !== outIndex + 1)),
  );
  if ((outIndex >= 0 && !out) || unknown.length > 0) {
    console.error(USAGE);
    return 2;
  }
  let config;
  try {
    config = loadFromProcessEnv().config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`Config error:\n  ${err.problems.join('\n  ')}`);
    return 1;
  }
  const selector = [`AFPI_ENV=${process.env.AFPI_ENV || DEFAULT_ENV}`];
  if (process.env.AFPI_TIER) selector.push(`AFPI_TIER=${process.env.AFPI_TIER}`);
  let stacks;
  try {
    stacks = readSynthesized(process.env.CDKTF_OUTDIR ?? 'cdktf.out', {
      synthCommand: `${selector.join(' ')} npm run synth`,
      projectId: config.projectId,
    });
  } catch (err) {
    if (!(err instanceof CostInputError)) throw err;
    console.error(err.message);
    return 1;
  }
  let report;
  try {
    report = buildCostReport(config, stacks);
  } catch (err) {
    if (!(err instanceof PriceLookupError)) throw err;
    console.error(err.message);
    return err instanceof UnpricedRegionError ? 3 : 1;
  }
  const text = markdown ? renderMarkdown(report) : renderConsole(report);
  if (out) {
    fs.writeFileSync(out, text);
    console.log(`Wrote the ${markdown ? 'Markdown ' : ''}cost report to ${out}`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
