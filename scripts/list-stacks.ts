/**
 * Prints the stack ids of the selected environment (AFPI_ENV, AFPI_TIER) in deploy order, one per line.
 * `--deployable` leaves out `state`, which is bootstrapped by hand (its state is local).
 * Used by the CI workflows and the validate script so they never hard-code a tier's stacks.
 */
import { ConfigError, loadFromProcessEnv } from '../config/load';

try {
  const { config } = loadFromProcessEnv();
  const deployable = process.argv.includes('--deployable');
  for (const id of config.stacks) if (!deployable || id !== 'state') console.log(id);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exitCode = 1;
}
