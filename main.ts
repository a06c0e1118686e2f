/**
 * Entry point for `npm run synth` and the cdktf CLI (`cdktf.json` runs the compiled `dist/main.js`).
 * AFPI_ENV picks the environment (default dev), AFPI_TIER overrides its tier.
 */
import './app/compile-cache';
import { ConfigError, loadFromProcessEnv } from './config/load';
import { formatFinding, PolicyError } from './policy/findings';
import { ENGINE_INIT_SECONDS, WEIGHT_READ_GB_PER_SECOND } from './inference/timing-budget';
import { startupBudgets } from './inference/values';

function main(): number {
  let loaded;
  try {
    loaded = loadFromProcessEnv();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(`Config error, nothing was written:\n  ${err.problems.join('\n  ')}`);
    return 1;
  }
  const { config, notes } = loaded;
  // Loaded once the config is valid: a config error is reported without loading cdktf and the provider classes.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthesize } = require('./app/synthesize') as typeof import('./app/synthesize');
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  let stacks;
  try {
    stacks = synthesize(config, outdir);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    console.error(`Policy violations, nothing was written:\n  ${err.lines.join('\n  ')}`);
    return 1;
  }
  for (const note of notes) console.log(`note: ${note}`);
  console.log(
    `Synthesized ${config.env} (tier ${config.tier}, project ${config.projectId}) into ${outdir}/stacks:`,
  );
  for (const s of stacks) {
    console.log(
      `  ${s.id.padEnd(14)} ${String(s.resources).padStart(4)} resources ${String(s.dataSources).padStart(3)} data sources ${String(s.outputs).padStart(3)} outputs`,
    );
  }
  if (config.inference && stacks.some((s) => s.id === 'inference')) {
    const lines = startupBudgets(config.inference, config.gke, config.region);
    const rate = WEIGHT_READ_GB_PER_SECOND[config.inference.modelCache];
    console.log(
      `Startup budgets (checkpoint GB / ${rate} GB/s + ${ENGINE_INIT_SECONDS} s engine init; liveness waits for the startup probe):`,
    );
    for (const b of lines) {
      console.log(
        `  ${b.model.padEnd(26)} ${b.engine.padEnd(4)} ${b.checkpointGb.toFixed(1).padStart(6)} GB  needs ${String(b.startupSeconds).padStart(5)} s  probe window ${String(b.probeWindowSeconds).padStart(5)} s  helm timeout ${String(b.helmTimeoutSeconds).padStart(5)} s`,
      );
    }
  }
  const passed = stacks.reduce((n, s) => n + (s.policy?.checksPassed ?? 0), 0);
  const suppressed = stacks.flatMap((s) => s.policy?.suppressed ?? []);
  console.log(`Policy: ${passed} checks passed, 0 violations, ${suppressed.length} suppressed`);
  for (const finding of suppressed) console.log(`  ${formatFinding(finding)}`);
  return 0;
}

process.exitCode = main();
