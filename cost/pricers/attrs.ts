import { Attrs, NotPriceable, PricingContext } from './types';

/** A Terraform interpolation such as `${google_x.y.id}`: known only at apply. */
export function isReference(value: unknown): boolean {
  return typeof value === 'string' && value.includes('${');
}

/** A nested block: cdktf writes single blocks as objects and repeated ones as arrays. */
export function blocks(value: unknown): Attrs[] {
  if (Array.isArray(value)) return value.filter((v): v is Attrs => v !== null && typeof v === 'object');
  return value !== null && typeof value === 'object' ? [value as Attrs] : [];
}

export function block(value: unknown): Attrs {
  return blocks(value)[0] ?? {};
}

export function literalString(value: unknown): string | undefined {
  return typeof value === 'string' && !isReference(value) ? value : undefined;
}

export function literalNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && !isReference(value) && value.trim() !== '' && !isNaN(Number(value))) {
    return Number(value);
  }
  return undefined;
}

/** A string attribute the estimate depends on; a reference makes the resource not priceable. */
export function requireString(attrs: Attrs, key: string, what: string, fallback?: string): string {
  const value = attrs[key];
  if (value === undefined && fallback !== undefined) return fallback;
  const literal = literalString(value);
  if (literal === undefined) {
    throw new NotPriceable(
      `${what} (${key}) is ${value === undefined ? 'not set' : `a reference (${String(value)})`}`,
    );
  }
  return literal;
}

/** The region a resource runs in: its literal `region`, or `location` (a zone maps to its region). */
export function regionOf(attrs: Attrs, ctx: PricingContext): string {
  const where = literalString(attrs.region) ?? literalString(attrs.location);
  if (!where) return ctx.region;
  return /-[a-z]$/.test(where) ? where.slice(0, -2) : where;
}

export function usd(value: number): string {
  return `$${value < 1 ? value.toPrecision(2) : value.toFixed(2)}`;
}

/** `1.2K`, `5M`: compact counts for the basis column. */
export function count(value: number): string {
  return Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(value);
}
