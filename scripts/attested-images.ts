/**
 * Prints the images the deploy workflow attests for the selected environment (AFPI_ENV, AFPI_TIER), one full
 * reference a line (tag or digest as configured); nothing when security.binaryAuthorization.attestation is off.
 */
import { ConfigError, loadFromProcessEnv } from '../config/load';
import { attestedImages } from '../stacks/admitted-images';

try {
  for (const image of attestedImages(loadFromProcessEnv().config)) console.log(image);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exitCode = 1;
}
