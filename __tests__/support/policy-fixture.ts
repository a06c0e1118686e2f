import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { PolicyReport } from '../../policy/findings';
import { PolicyPack } from '../../policy/policy-pack';
import { PolicyConfig, Rule } from '../../policy/rule';

export interface FixtureOptions {
  /** @default prod at tier enterprise (every "outside dev" rule applies) */
  readonly config?: PolicyConfig;
  /** Rules to run. @default every rule */
  readonly rules?: readonly Rule[];
}

let outdir: string | undefined;

/** Builds stacks into a fresh app, runs the policy pack over it (no synthesis) and returns its report. */
export function checkApp(build: (app: App) => void, options: FixtureOptions = {}): PolicyReport {
  // The apps are never synthesized: one output folder serves them all (Testing.app makes a new one per app).
  outdir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'policy-fixture-'));
  const app = Testing.app({ outdir });
  build(app);
  const pack = new PolicyPack(options.config ?? { env: 'prod', tier: 'enterprise' }, options.rules);
  Aspects.of(app).add(pack);
  return pack.check(app);
}

/** `checkApp` for a single stack `fixture`. */
export function checkStack(
  build: (stack: TerraformStack) => void,
  options: FixtureOptions = {},
): PolicyReport {
  return checkApp((app) => build(new TerraformStack(app, 'fixture')), options);
}
