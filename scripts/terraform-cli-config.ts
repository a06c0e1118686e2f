/**
 * Where `npm run validate` and `npm run plan:offline` get the Terraform providers, and the CLI config that points
 * Terraform there. Lookup order: the folder named by AFPI_TF_PROVIDERS; `../shared/terraform-providers` beside
 * the repository (how CI and developers get the real providers without a network); the Go-built cache
 * (scripts/tools/tf-mirror.sh); else the public Terraform registry.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../config/paths';

export interface ProviderSource {
  readonly kind: 'AFPI_TF_PROVIDERS' | 'shared mirror' | 'Go-built cache' | 'public registry';
  /** The filesystem mirror; undefined for the public registry. */
  readonly mirror?: string;
}

export interface TerraformCliConfig {
  readonly source: ProviderSource;
  readonly pluginCacheDir?: string;
  /** The CLI config written (TF_CLI_CONFIG_FILE). */
  readonly file: string;
  /** One line for the tools' output: where the providers came from. */
  readonly describe: string;
}

export const SHARED_DIR = path.resolve(repoRoot, '..', 'shared');
const TF_MIRROR = path.join(repoRoot, 'scripts', 'tools', 'tf-mirror.sh');

/** A mirror in either layout holds `registry.terraform.io/hashicorp/<provider>/`. */
function isMirror(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'registry.terraform.io', 'hashicorp'));
}

/** The Go-built cache's folder when tf-mirror.sh says every pinned provider is there. */
function goBuiltCache(): string | undefined {
  try {
    execFileSync(TF_MIRROR, ['--check'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return path.join(
    process.env.AFPI_CACHE_DIR || path.join(process.env.HOME ?? '', '.cache', 'afpi'),
    'tf-mirror',
  );
}

/** Throws when AFPI_TF_PROVIDERS names a folder that is not a provider mirror. */
export function findProviders(env: NodeJS.ProcessEnv = process.env): ProviderSource {
  const named = env.AFPI_TF_PROVIDERS;
  if (named) {
    const dir = path.resolve(named);
    if (!isMirror(dir)) {
      throw new Error(
        `AFPI_TF_PROVIDERS=${named}: no Terraform provider mirror there (expected ${path.join(dir, 'registry.terraform.io', 'hashicorp')}). ` +
          'Fix: point it at a filesystem mirror such as ../shared/terraform-providers, or unset it',
      );
    }
    return { kind: 'AFPI_TF_PROVIDERS', mirror: dir };
  }
  const shared = path.join(SHARED_DIR, 'terraform-providers');
  if (isMirror(shared)) return { kind: 'shared mirror', mirror: shared };
  const cache = goBuiltCache();
  if (cache) return { kind: 'Go-built cache', mirror: cache };
  return { kind: 'public registry' };
}

/**
 * Writes a CLI config for `source` to `file`: the mirror only for hashicorp/* (so a missing provider fails
 * instead of reaching for the network), or no provider_installation at all for the public registry.
 * `pluginCacheDir` lets every stack folder link the providers instead of unpacking ~100 MB each.
 */
export function writeCliConfig(
  file: string,
  source: ProviderSource,
  pluginCacheDir?: string,
): TerraformCliConfig {
  const lines = ['# Written by scripts/terraform-cli-config.ts.', 'disable_checkpoint = true'];
  if (pluginCacheDir) {
    fs.mkdirSync(pluginCacheDir, { recursive: true });
    lines.push(`plugin_cache_dir = ${JSON.stringify(pluginCacheDir)}`);
  }
  if (source.mirror) {
    lines.push(
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(source.mirror)}`,
      '    include = ["registry.terraform.io/hashicorp/*"]',
      '  }',
      '  direct {',
      '    exclude = ["registry.terraform.io/hashicorp/*"]',
      '  }',
      '}',
    );
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  const describe = source.mirror
    ? `providers from ${source.mirror} (${source.kind})`
    : 'providers from the public Terraform registry (no local mirror found)';
  return { source, file, describe, pluginCacheDir };
}

/** The environment for terraform processes using `config`. */
export function terraformEnv(config: TerraformCliConfig, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TF_CLI_CONFIG_FILE: config.file,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1',
    // The mirror's zips are not HashiCorp's signed builds; no lock file is committed, so linking from the cache
    // before a lock file records their checksums is what we want.
    TF_PLUGIN_CACHE_MAY_BREAK_DEPENDENCY_LOCK_FILE: 'true',
    ...extra,
  };
  // The config's plugin_cache_dir (or none) decides, not the caller's shell.
  delete env.TF_PLUGIN_CACHE_DIR;
  return env;
}

/**
 * Installs every provider in `required` (each a stack's `terraform.required_providers`) into the plugin cache with
 * one `terraform init`: parallel inits filling an empty cache race on the same files. Returns Terraform's output
 * on failure.
 */
export function fillPluginCache(
  config: TerraformCliConfig,
  required: readonly Record<string, unknown>[],
  env: NodeJS.ProcessEnv,
): Promise<string | undefined> {
  if (!config.pluginCacheDir) return Promise.resolve(undefined);
  const dir = path.join(config.pluginCacheDir, '..', '.plugin-cache-init');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const providers = Object.assign({}, ...required);
  fs.writeFileSync(
    path.join(dir, 'main.tf.json'),
    JSON.stringify({ terraform: { required_providers: providers } }),
  );
  return new Promise((resolve) =>
    execFile('terraform', ['init', '-input=false', '-no-color'], { cwd: dir, env }, (err, stdout, stderr) =>
      resolve(err ? `${stdout}${stderr}` : undefined),
    ),
  );
}
