import * as fs from 'fs';
import * as path from 'path';
import { YAMLParseError } from 'yaml';
import { z } from 'zod';
import { closest, knownKeys, schemaAt, shapeHint } from './hints';
import { parseYaml } from './parse-yaml';
import { repoRoot } from './paths';
import { configSchema, EnvironmentConfig, StackId, Tier, TIERS } from './schema';
import { ciNotes, stateAccessNotes } from './sections/ci';
import { gkeNotes } from './sections/gke';
import { observabilityNotes } from './sections/observability';
import { securityNotes } from './sections/security';

export const ENVIRONMENTS_DIR = path.join(repoRoot, 'config', 'environments');
export const TIERS_DIR = path.join(repoRoot, 'config', 'tiers');
export const DEFAULT_ENV = 'dev';

/** Config sections that belong to one optional stack; a tier without the stack ignores them. */
const SECTION_OF_STACK: Partial<Record<StackId, string>> = {
  'gke-gpu': 'gke',
  inference: 'inference',
};

/** Raised for any bad config; `problems` holds one line per problem, each naming file, field and fix. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** Tier to use instead of the environment's own (AFPI_TIER). */
  readonly tier?: string;
  /** Directory holding `<env>.yaml`. @default config/environments */
  readonly environmentsDir?: string;
}

export interface LoadedEnvironment {
  readonly config: EnvironmentConfig;
  /** What the loader did that a reader should know (ignored sections under an AFPI_TIER override). */
  readonly notes: string[];
}

export function listEnvironments(dir = ENVIRONMENTS_DIR): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

function relative(file: string): string {
  return path.relative(repoRoot, file) || file;
}

function readYaml(file: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseYaml(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const where = err instanceof YAMLParseError && err.linePos ? ` line ${err.linePos[0].line}` : '';
    throw new ConfigError([
      `${relative(file)}:${where} is not valid YAML (${(err as Error).message.split('\n')[0]}). Fix: correct the syntax`,
    ]);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError([
      `${relative(file)}: is not a YAML mapping. Fix: write the settings as "key: value" lines`,
    ]);
  }
  return doc as Record<string, unknown>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Lists the environment sets that drop entries of its tier's list: the merge replaces lists whole. */
function replacedLists(
  preset: unknown,
  applied: unknown,
  prefix: string[] = [],
): { path: string; dropped: string[] }[] {
  if (!isPlainObject(preset) || !isPlainObject(applied)) return [];
  return Object.entries(applied).flatMap(([key, value]) => {
    const base = preset[key];
    if (Array.isArray(value) && Array.isArray(base)) {
      const label = (e: unknown) =>
        isPlainObject(e) && typeof e.name === 'string' ? e.name : JSON.stringify(e);
      const kept = new Set(value.map(label));
      const dropped = base.map(label).filter((name) => !kept.has(name));
      return dropped.length > 0 ? [{ path: [...prefix, key].join('.'), dropped }] : [];
    }
    return replacedLists(base, value, [...prefix, key]);
  });
}

/** Deep merge: objects merge key by key, anything else (arrays included) is replaced by the override. */
export function deepMerge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override === undefined ? base : override;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) merged[key] = deepMerge(base[key], value);
  return merged;
}

function valueAt(doc: unknown, fieldPath: PropertyKey[]): { found: boolean; value?: unknown } {
  let current: unknown = doc;
  for (const key of fieldPath) {
    if (!isPlainObject(current) && !Array.isArray(current)) return { found: false };
    const container = current as Record<PropertyKey, unknown>;
    if (!(key in container)) return { found: false };
    current = container[key];
  }
  return { found: true, value: current };
}

/** ` Did you mean "x"?` when `input` is a near miss of one of `candidates`. */
function didYouMean(input: unknown, candidates: readonly unknown[]): string {
  if (typeof input !== 'string') return '';
  const match = closest(
    input,
    candidates.filter((c): c is string => typeof c === 'string'),
  );
  return match && match !== input ? ` Did you mean ${JSON.stringify(match)}?` : '';
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): { path: PropertyKey[]; text: string }[] {
  const { value, found } = valueAt(input, issue.path);
  const shown = (text: string) => (found ? `(${JSON.stringify(value)}) ${text}` : text);
  switch (issue.code) {
    case 'custom':
      return [{ path: issue.path, text: issue.message }];
    case 'unrecognized_keys': {
      const known = knownKeys(schemaAt(configSchema, issue.path));
      return issue.keys.map((key) => {
        const meant = closest(key, known);
        return {
          path: [...issue.path, key],
          text: meant
            ? `is not a known setting. Did you mean ${JSON.stringify(meant)}? Fix: rename it to ${meant}`
            : `is not a known setting. Fix: remove it or correct the spelling (settings here: ${known.join(', ')})`,
        };
      });
    }
    case 'invalid_type': {
      if (found) {
        return [
          { path: issue.path, text: shown(`should be a ${issue.expected}. Fix: set a ${issue.expected}`) },
        ];
      }
      const key = String(issue.path[issue.path.length - 1] ?? '');
      const shape =
        issue.expected === 'object' ? shapeHint(key, schemaAt(configSchema, issue.path)) : undefined;
      return [
        {
          path: issue.path,
          text: shape ? `is missing. Fix: add ${shape}` : `is missing. Fix: add it (a ${issue.expected})`,
        },
      ];
    }
    case 'invalid_value':
      return [
        {
          path: issue.path,
          text: shown(
            `is not one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}.${didYouMean(value, issue.values)} Fix: use one of them`,
          ),
        },
      ];
    case 'too_small':
      return [
        { path: issue.path, text: shown(`is below the minimum ${String(issue.minimum)}. Fix: raise it`) },
      ];
    case 'too_big':
      return [
        { path: issue.path, text: shown(`is above the maximum ${String(issue.maximum)}. Fix: lower it`) },
      ];
    case 'invalid_format':
      // Formats with a custom message carry the value and the fix already.
      return [
        { path: issue.path, text: issue.message.startsWith('(') ? issue.message : shown(issue.message) },
      ];
    default:
      return [{ path: issue.path, text: shown(issue.message) }];
  }
}

/**
 * Loads `<env>.yaml`, lays it over its tier preset and validates the result.
 * Throws ConfigError listing every problem; writes nothing.
 */
export function loadEnvironment(env: string, options: LoadOptions = {}): LoadedEnvironment {
  const dir = options.environmentsDir ?? ENVIRONMENTS_DIR;
  const known = listEnvironments(dir);
  if (!known.includes(env)) {
    throw new ConfigError([
      `AFPI_ENV=${env}: no such environment in ${relative(dir)}. Fix: use one of ${known.join(', ')}`,
    ]);
  }
  const envFile = path.join(dir, `${env}.yaml`);
  const overrides = readYaml(envFile);
  const tier = options.tier ?? overrides.tier;
  if (options.tier !== undefined && !(TIERS as readonly string[]).includes(options.tier)) {
    throw new ConfigError([`AFPI_TIER=${options.tier}: no such tier. Fix: use one of ${TIERS.join(', ')}`]);
  }
  if (tier === undefined) {
    throw new ConfigError([
      `${relative(envFile)}: tier is missing. Fix: add "tier: <${TIERS.join(' | ')}>" (the preset in config/tiers/ this environment starts from)`,
    ]);
  }
  if (typeof tier !== 'string' || !(TIERS as readonly string[]).includes(tier)) {
    throw new ConfigError([
      `${relative(envFile)}: tier (${JSON.stringify(tier)}) is not one of ${TIERS.join(', ')}.${didYouMean(tier, TIERS)} Fix: set tier to one of them`,
    ]);
  }
  const tierFile = path.join(TIERS_DIR, `${tier}.yaml`);
  const preset = readYaml(tierFile);

  const notes: string[] = [];
  const applied: Record<string, unknown> = { ...overrides, tier };
  if (options.tier !== undefined) {
    const tierStacks = (preset.stacks as string[] | undefined) ?? [];
    for (const [stack, section] of Object.entries(SECTION_OF_STACK)) {
      if (!tierStacks.includes(stack) && section in applied) {
        delete applied[section];
        notes.push(
          `AFPI_TIER=${tier}: ignored ${env}'s "${section}" settings (tier ${tier} has no ${stack} stack)`,
        );
      }
    }
  }

  const merged = deepMerge(preset, applied);
  // jitless: zod otherwise compiles a parser per object schema (new Function) on its first parse, which V8's code
  // cache cannot keep; a synth parses one config, for which that costs ~40 ms more than zod's plain path.
  const result = configSchema.safeParse(merged, { jitless: true });
  if (!result.success) {
    const replaced = replacedLists(preset, applied);
    const problems = result.error.issues.flatMap((issue) =>
      describeIssue(issue, merged).map(({ path: fieldPath, text }) => {
        // Blame the file that sets the field; a missing field is the environment's to add.
        const fromTier = !valueAt(applied, fieldPath).found && valueAt(preset, fieldPath).found;
        const file = fromTier ? tierFile : envFile;
        const dotted = fieldPath.join('.');
        const line = `${relative(file)}: ${dotted || '(top level)'} ${text}`;
        // A problem that names a list the environment replaced (often blamed on the tier file): say so.
        const cause = replaced.find((r) => !dotted.startsWith(`${r.path}.`) && text.includes(r.path));
        return cause
          ? `${line} (note: ${relative(envFile)} sets ${cause.path}, which replaces the tier's list instead of adding to it, so the tier's ${cause.dropped.join(', ')} is gone; repeat the tier's entries you keep, see README "Environments and tiers")`
          : line;
      }),
    );
    throw new ConfigError([...new Set(problems)]);
  }
  notes.push(
    ...observabilityNotes(result.data),
    ...ciNotes(result.data),
    ...securityNotes(result.data),
    ...gkeNotes(result.data),
    ...stateAccessNotes(result.data),
  );
  return { config: { ...result.data, env } as EnvironmentConfig, notes };
}

/** Loads the environment that AFPI_ENV / AFPI_TIER select (default: dev with its own tier). */
export function loadFromProcessEnv(processEnv: NodeJS.ProcessEnv = process.env): LoadedEnvironment {
  const env = processEnv.AFPI_ENV || DEFAULT_ENV;
  const tier = processEnv.AFPI_TIER || undefined;
  return loadEnvironment(env, { tier: tier as Tier | undefined });
}
