/**
 * Entry point for `npm run synth` and the cdktf CLI (`cdktf.json` runs the compiled `dist/main.js`).
 * AFPI_ENV picks the environment (default dev), AFPI_TIER overrides its tier.
 */
import { ConfigError, loadFromProcessEnv } from './config/load';
import { synthesize } from './app/synthesize';

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
  const outdir = process.env.CDKTF_OUTDIR ?? 'cdktf.out';
  const stacks = synthesize(config, outdir);
  for (const note of notes) console.log(`note: ${note}`);
  console.log(`Synthesized ${config.env} (tier ${config.tier}, project ${config.projectId}) into ${outdir}/stacks:`);
  for (const s of stacks) {
    console.log(`  ${s.id.padEnd(14)} ${String(s.resources).padStart(4)} resources ${String(s.dataSources).padStart(3)} data sources ${String(s.outputs).padStart(3)} outputs`);
  }
  return 0;
}

process.exitCode = main();
