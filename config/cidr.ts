import { z } from 'zod';
import { report, show } from './rules';

/** An IPv4 range as integers, for overlap checks. */
export interface Ipv4Range {
  readonly cidr: string;
  readonly first: number;
  readonly last: number;
  readonly prefixLength: number;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined when it is not a canonical IPv4 CIDR (host bits must be zero). */
export function parseCidr(cidr: string): Ipv4Range | undefined {
  const match = CIDR.exec(cidr);
  if (!match) return undefined;
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((o) => o > 255) || prefixLength > 32) return undefined;
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefixLength);
  if (address % size !== 0) return undefined;
  return { cidr, first: address, last: address + size - 1, prefixLength };
}

export const cidr = z.string().superRefine((value, ctx) => {
  if (!parseCidr(value)) {
    report(
      ctx,
      [],
      `(${show(value)}) is not an IPv4 CIDR range with its host bits zero. Fix: write it as "10.10.0.0/20"`,
    );
  }
});

/** RFC 1918 private ranges: reachable only from inside our VPC or over VPN/Interconnect. */
export const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'] as const;

/** Whether `range` lies inside one of PRIVATE_RANGES. */
export function isPrivate(range: Ipv4Range): boolean {
  return PRIVATE_RANGES.some((p) => {
    const outer = parseCidr(p)!;
    return outer.first <= range.first && range.last <= outer.last;
  });
}

export function overlaps(a: Ipv4Range, b: Ipv4Range): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/**
 * Reports every pair of overlapping ranges. `ranges` maps a field path (as shown to the user) to its CIDR;
 * the issue lands on the second range of the pair and names both.
 */
export function noOverlaps(
  ctx: z.RefinementCtx,
  ranges: { path: (string | number)[]; cidr: string }[],
): void {
  const parsed = ranges
    .map((r) => ({ ...r, range: parseCidr(r.cidr) }))
    .filter((r): r is typeof r & { range: Ipv4Range } => r.range !== undefined);
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      if (overlaps(parsed[i].range, parsed[j].range)) {
        report(
          ctx,
          parsed[j].path,
          `(${parsed[j].cidr}) overlaps ${parsed[i].path.join('.')} (${parsed[i].cidr}). Fix: give each range its own address space`,
        );
      }
    }
  }
}
