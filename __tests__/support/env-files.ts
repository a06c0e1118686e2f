import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  ConfigError,
  deepMerge,
  ENVIRONMENTS_DIR,
  loadEnvironment,
  LoadedEnvironment,
} from '../../config/load';
import { parseYaml } from '../../config/parse-yaml';
import { repoRoot } from '../../config/paths';

let dir: string | undefined;

/**
 * Writes `<name>.yaml` = config/environments/<base>.yaml with `change` merged in, into a temp folder, and
 * loads it (a top-level `key: undefined` in `change` deletes the key). Returns the loaded environment or the ConfigError's problems.
 */
export function loadVariant(
  base: string,
  change: Record<string, unknown>,
  options: { tier?: string; name?: string } = {},
): { loaded?: LoadedEnvironment; problems?: string[]; file: string } {
  // One folder per test file: a variant replaces the previous one of the same name (loading reads only its file).
  dir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'env-'));
  const name = options.name ?? base;
  const original = fs.readFileSync(path.join(ENVIRONMENTS_DIR, `${base}.yaml`), 'utf8');
  const doc = deepMerge(parseYaml(original), change) as Record<string, unknown>;
  // A top-level key set to undefined removes the setting from the file.
  for (const [key, value] of Object.entries(change)) if (value === undefined) delete doc[key];
  // JSON is YAML: the loader reads it as it reads any environment file, and JSON is quicker to write.
  fs.writeFileSync(path.join(dir, `${name}.yaml`), JSON.stringify(doc, null, 2));
  const file = path.relative(repoRoot, path.join(dir, `${name}.yaml`));
  try {
    return { loaded: loadEnvironment(name, { environmentsDir: dir, tier: options.tier }), file };
  } catch (err) {
    if (err instanceof ConfigError) return { problems: err.problems, file };
    throw err;
  }
}

/**
 * The problems a variant of `base` raises, with the temp file shown as `config/environments/<base>.yaml` so
 * assertions read like the real message. Fails the test when the variant loads cleanly.
 */
export function problemsOf(
  base: string,
  change: Record<string, unknown>,
  options: { tier?: string } = {},
): string[] {
  const { problems, file } = loadVariant(base, change, options);
  if (!problems) throw new Error(`expected ${JSON.stringify(change)} to be rejected`);
  return problems.map((p) => p.split(file).join(`config/environments/${base}.yaml`));
}
