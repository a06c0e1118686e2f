import { z } from 'zod';

/**
 * Hints that turn a schema issue into a fix: the known setting a misspelt key was meant to be, and the shape of
 * an object that is missing. They read the schema itself, so they never drift from it.
 */

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: z.core.$ZodType): Def => schema._zod.def as unknown as Def;

/** The schema under optional/default/prefault/pipe wrappers. */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    const def = defOf(current);
    if (['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch'].includes(def.type)) {
      current = def.innerType as z.core.$ZodType;
    } else if (def.type === 'pipe') {
      current = def.in as z.core.$ZodType;
    } else {
      return current;
    }
  }
}

/** The schema of the field at `path` (array indexes and record keys included), if the path leads anywhere. */
export function schemaAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): z.core.$ZodType | undefined {
  let current: z.core.$ZodType | undefined = unwrap(schema);
  for (const key of path) {
    const def = defOf(current);
    if (def.type === 'object') current = (def.shape as Record<string, z.core.$ZodType>)[String(key)];
    else if (def.type === 'array') current = def.element as z.core.$ZodType;
    else if (def.type === 'record') current = def.valueType as z.core.$ZodType;
    else return undefined;
    if (!current) return undefined;
    current = unwrap(current);
  }
  return current;
}

/** The settings an object schema knows, in the schema's order. */
export function knownKeys(schema: z.core.$ZodType | undefined): string[] {
  if (!schema) return [];
  const def = defOf(unwrap(schema));
  return def.type === 'object' ? Object.keys(def.shape as object) : [];
}

/** Edit distance counting a swap of two neighbours as one edit (regoin -> region). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/**
 * The candidate `input` was most likely meant to be: the same word in other case, one that starts with the
 * other (memory -> memoryGiB, maxModelLength -> maxModelLen), or one within two edits (one for short words).
 */
export function closest(input: string, candidates: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  const exact = candidates.find((c) => c.toLowerCase() === lower);
  if (exact) return exact;
  const prefixed = candidates.filter(
    (c) =>
      Math.min(c.length, lower.length) >= 4 &&
      (c.toLowerCase().startsWith(lower) || lower.startsWith(c.toLowerCase())),
  );
  if (prefixed.length === 1) return prefixed[0];
  const limit = input.length >= 6 ? 2 : 1;
  const ranked = candidates
    .map((c) => ({ c, d: editDistance(lower, c.toLowerCase()) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d);
  return ranked.length > 0 && (ranked.length === 1 || ranked[0].d < ranked[1].d) ? ranked[0].c : undefined;
}

/** What to write for a missing object: `stateBucket: { name: ... }`, its required settings only. */
export function shapeHint(key: string, schema: z.core.$ZodType | undefined): string | undefined {
  if (!schema) return undefined;
  const def = defOf(unwrap(schema));
  if (def.type !== 'object') return undefined;
  const required = Object.entries(def.shape as Record<string, z.core.$ZodType>)
    .filter(([, field]) => field._zod.optin === undefined)
    .map(([name]) => `${name}: ...`);
  return `${key}: { ${required.join(', ')} }`;
}
