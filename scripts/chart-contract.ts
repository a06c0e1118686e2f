/**
 * The values contract of a packaged chart, offline: which value paths its templates read. The vllm-stack chart
 * has no values.schema.json, so nothing upstream catches a misspelled or moved key: the values-contract test
 * (__tests__/chart-contract.test.ts) checks every path our generated values set against this.
 *
 * The reader follows Go template scopes the way the chart uses them: `.Values.a.b`, `with`/`range` (dot and
 * `$var := ...`), `hasKey X "k"`, `include "name" X` into `define` bodies, and `toYaml X` (the whole subtree
 * is read). Lists are written `[]` (`servingEngineSpec.modelSpec[].requestGPU`).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { repoRoot } from '../config/paths';

/**
 * Where the published package of `chart` `version` is looked for: AFPI_VLLM_CHART (the .tgz itself),
 * AFPI_SHARED_DIR (the folder holding charts/), else the shared folder next to the repository (CI) or next to the
 * folder of its git worktrees. `named` says whether the user named the place.
 */
function chartPackageCandidates(
  chart: string,
  version: string,
  processEnv: NodeJS.ProcessEnv,
): { candidates: string[]; named: boolean } {
  const file = `${chart}-${version}.tgz`;
  if (processEnv.AFPI_VLLM_CHART) return { candidates: [processEnv.AFPI_VLLM_CHART], named: true };
  if (processEnv.AFPI_SHARED_DIR)
    return { candidates: [path.join(processEnv.AFPI_SHARED_DIR, 'charts', file)], named: true };
  return {
    candidates: [
      path.join(repoRoot, '..', 'shared', 'charts', file),
      path.join(repoRoot, '..', '..', 'shared', 'charts', file),
    ],
    named: false,
  };
}

/**
 * The published package, or undefined when there is no local copy and no place was named (then only the chart
 * repository has it). Throws when a named place lacks it.
 */
export function findChartPackage(
  chart: string,
  version: string,
  processEnv: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const { candidates, named } = chartPackageCandidates(chart, version, processEnv);
  const found = candidates.find((c) => fs.existsSync(c));
  if (found || !named) return found;
  throw new Error(missingPackage(chart, version, candidates));
}

/** The published package of `chart` `version`; throws when there is no local copy. */
export function chartPackage(
  chart: string,
  version: string,
  processEnv: NodeJS.ProcessEnv = process.env,
): string {
  const found = findChartPackage(chart, version, processEnv);
  if (found) return found;
  throw new Error(
    missingPackage(chart, version, chartPackageCandidates(chart, version, processEnv).candidates),
  );
}

function missingPackage(chart: string, version: string, candidates: string[]): string {
  return `the ${chart} ${version} chart package is not at ${candidates.join(' or ')}. Fix: set AFPI_VLLM_CHART to the .tgz (or AFPI_SHARED_DIR to the folder holding charts/), or fetch it with \`helm pull vllm/${chart} --version ${version}\``;
}

/** Regular files of a .tgz (ustar, PAX path headers honoured), by path. */
export function readTgz(file: string): Map<string, string> {
  const data = zlib.gunzipSync(new Uint8Array(fs.readFileSync(file)));
  const files = new Map<string, string>();
  const text = (start: number, length: number) =>
    data
      .subarray(start, start + length)
      .toString('utf8')
      .replace(/\0.*$/s, '');
  let offset = 0;
  let paxPath: string | undefined;
  while (offset + 512 <= data.length && data[offset] !== 0) {
    const size = parseInt(text(offset + 124, 12).trim() || '0', 8);
    const type = String.fromCharCode(data[offset + 156]);
    const prefix = text(offset + 345, 155);
    const name = paxPath ?? (prefix ? `${prefix}/${text(offset, 100)}` : text(offset, 100));
    const body = data.subarray(offset + 512, offset + 512 + size).toString('utf8');
    paxPath = undefined;
    if (type === 'x') paxPath = /\d+ path=(.*)\n/.exec(body)?.[1];
    else if (type === '0' || type === '\0') files.set(name, body);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

/** A scope: what `.` is and which `$variables` are bound (values paths, or `@define<name>` inside a define). */
interface Scope {
  readonly dot: string | undefined;
  readonly vars: Map<string, string | undefined>;
}

export interface ValuesReads {
  /** Paths read one by one. */
  readonly paths: Set<string>;
  /** Paths whose whole subtree is read (`toYaml`, `range` over objects rendered whole). */
  readonly subtrees: Set<string>;
}

const ROOT = '@root';
const FIELD = /(\$[A-Za-z_]\w*|\$)?((?:\.[A-Za-z_][\w-]*)+)|(?<![\w)])\.(?![\w.])/g;

function join(base: string | undefined, rest: string): string | undefined {
  if (base === undefined) return undefined;
  if (base === ROOT)
    return rest === '' ? ROOT : rest.startsWith('Values.') ? rest.slice('Values.'.length) : undefined;
  return rest ? `${base}.${rest}` : base;
}

/** The values path an expression (`.Values.a`, `$v.b`, `.c`, `.`) points at, in `scope`. */
function resolve(expr: string | undefined, scope: Scope): string | undefined {
  if (expr === undefined) return undefined;
  const m = /^(\$[A-Za-z_]\w*|\$)?((?:\.[A-Za-z_][\w-]*)*)$/.exec(expr.trim());
  if (!m) return expr.trim() === '.' ? scope.dot : undefined;
  const [, variable, fields] = m;
  const rest = fields.replace(/^\./, '');
  if (variable === '$') return join(ROOT, rest);
  if (variable) return join(scope.vars.get(variable), rest);
  if (rest.startsWith('Values.') || rest === 'Values') return join(ROOT, rest);
  return rest ? join(scope.dot, rest) : scope.dot;
}

/** The first argument after `keyword` in an action: `toYaml X`, `with X`, `range X`. */
function argumentAfter(action: string, keyword: RegExp): string | undefined {
  const m = keyword.exec(action);
  if (!m) return undefined;
  const rest = action.slice(m.index + m[0].length).trim();
  return /^[^\s()|]+/.exec(rest)?.[0];
}

/** Reads of every template; `@define<name>` paths are expanded through the include calls. */
export function valuesReads(templates: Map<string, string>): ValuesReads {
  const raw = { paths: new Set<string>(), subtrees: new Set<string>() };
  const calls: [string, string][] = [];
  for (const [, text] of templates) {
    const stack: Scope[] = [{ dot: ROOT, vars: new Map([['$', ROOT]]) }];
    for (const m of text.matchAll(/\{\{-?\s*([\s\S]*?)\s*-?\}\}/g)) {
      const action = m[1].replace(/\/\*[\s\S]*?\*\//g, '').trim();
      const scope = stack[stack.length - 1];
      for (const f of action.matchAll(FIELD)) {
        const p = resolve(f[0], scope);
        if (p !== undefined && p !== ROOT) raw.paths.add(p);
      }
      for (const h of action.matchAll(/hasKey\s+(\S+)\s+"([^"]+)"/g)) {
        const base = resolve(h[1], scope);
        if (base !== undefined && base !== ROOT) raw.paths.add(`${base}.${h[2]}`);
      }
      for (const t of action.matchAll(/toYaml\s+\(?([^\s()|]+)/g)) {
        const p = resolve(t[1], scope);
        if (p !== undefined && p !== ROOT) raw.subtrees.add(p);
      }
      for (const inc of action.matchAll(/include\s+"([^"]+)"\s+\(?([^\s()|]+)/g)) {
        const p = resolve(inc[2], scope);
        if (p !== undefined) calls.push([inc[1], p]);
      }
      const assign = /^(\$[A-Za-z_]\w*)\s*:?=\s*(\S+)\s*$/.exec(action);
      if (assign) scope.vars.set(assign[1], resolve(assign[2], scope));
      const define = /^define\s+"([^"]+)"/.exec(action);
      const range = /^range\s+(?:(\$\w+)\s*,\s*)?(\$\w+)\s*:=\s*(\S+)/.exec(action);
      if (define) {
        stack.push({ dot: `@define<${define[1]}>`, vars: new Map([['$', ROOT]]) });
      } else if (range) {
        const vars = new Map(scope.vars);
        const over = resolve(range[3], scope);
        vars.set(range[2], over === undefined ? undefined : `${over}[]`);
        stack.push({ dot: scope.dot, vars });
      } else if (/^range\s/.test(action)) {
        const over = resolve(argumentAfter(action, /^range/), scope);
        // `range X` with `toYaml .` inside renders each item whole: the body decides, dot is the item.
        stack.push({ dot: over === undefined ? undefined : `${over}[]`, vars: new Map(scope.vars) });
      } else if (/^with\s/.test(action)) {
        stack.push({ dot: resolve(argumentAfter(action, /^with/), scope), vars: new Map(scope.vars) });
      } else if (/^(if|block)\s/.test(action)) {
        stack.push({ dot: scope.dot, vars: new Map(scope.vars) });
      } else if (action === 'end' && stack.length > 1) {
        stack.pop();
      }
    }
  }
  // A define's reads are relative to what each include passes it (includes may nest).
  const expand = (set: Set<string>) => {
    const out = new Set<string>();
    const visit = (p: string, depth: number) => {
      const m = /^@define<([^>]+)>(.*)$/.exec(p);
      if (!m) return void out.add(p);
      if (depth > 5) return;
      for (const [name, ctx] of calls) {
        if (name === m[1]) {
          const rest = m[2].replace(/^\./, '');
          const full = ctx === ROOT ? join(ROOT, rest) : rest ? `${ctx}.${rest}` : ctx;
          if (full !== undefined) visit(full, depth + 1);
        }
      }
    };
    for (const p of set) visit(p, 0);
    return out;
  };
  return { paths: expand(raw.paths), subtrees: expand(raw.subtrees) };
}

/** Every leaf path of `values`: objects are walked, lists of objects as `[]`, other lists and scalars are leaves. */
export function leafPaths(values: unknown, prefix = ''): string[] {
  if (Array.isArray(values)) {
    const objects = values.filter((v) => v !== null && typeof v === 'object' && !Array.isArray(v));
    return objects.length > 0 && objects.length === values.length
      ? [...new Set(objects.flatMap((v) => leafPaths(v, `${prefix}[]`)))]
      : [prefix];
  }
  if (values !== null && typeof values === 'object' && Object.keys(values).length > 0) {
    return Object.entries(values).flatMap(([k, v]) => leafPaths(v, prefix ? `${prefix}.${k}` : k));
  }
  return [prefix];
}

/** The paths of `values` no template reads: a misspelled or moved key. */
export function unreadPaths(values: unknown, reads: ValuesReads): string[] {
  const ancestors = (p: string) => p.split('.').map((_, i, parts) => parts.slice(0, i + 1).join('.'));
  const all = [...reads.paths, ...reads.subtrees];
  // A list the templates only pass on (`toYaml $x` of a variable, `concat`) without looking into its items.
  const passedOn = (list: string) =>
    reads.paths.has(list.slice(0, -2)) && !all.some((r) => r.startsWith(`${list}.`));
  return leafPaths(values).filter((p) => {
    const chain = ancestors(p).flatMap((a) => (a.endsWith('[]') ? [a, a.slice(0, -2)] : [a]));
    return (
      !reads.paths.has(p) && !chain.some((a) => reads.subtrees.has(a) || (a.endsWith('[]') && passedOn(a)))
    );
  });
}
