/**
 * `node -r ./__tests__/support/swc-register.js __tests__/support/presynth-worker.ts <index> <count>`, started by
 * presynth.js: synthesizes and policy-checks its share of every environment x tier into the run's shared cache.
 */
import '../../app/compile-cache';
import { listEnvironments } from '../../config/load';
import { TIERS } from '../../config/schema';
import { checkEnvironment, synthEnvironment } from './synth';

const [index, count] = process.argv.slice(2).map(Number);
// Tier-major, so each process gets a mix of small (startup) and large (scale, enterprise) apps.
const all = TIERS.flatMap((tier) => listEnvironments().map((env) => ({ env, tier })));
for (const [k, { env, tier }] of all.entries()) {
  if (k % count !== index) continue;
  synthEnvironment(env, tier);
  checkEnvironment(env, tier);
}
