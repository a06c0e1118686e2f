import { z } from 'zod';
import { MIRROR_REPOSITORY_IDS } from '../catalog/registries';

/**
 * Shared building blocks for the config schema. Every custom message reads as `(<value>) <problem>. Fix: <fix>`
 * so the loader can prefix it with the file and the field path.
 */

/** Adds an issue at `path` (relative to the object being refined) with a complete message. */
export function report(ctx: z.RefinementCtx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message });
}

export function show(value: unknown): string {
  return JSON.stringify(value);
}

const GCP_REGION = /^[a-z]+-[a-z]+[0-9]{1,2}$/;

/** GCP regions this project may serve from (the ones the GPU and price catalogs know). */
export const KNOWN_REGIONS = [
  'us-central1',
  'us-east1',
  'us-east4',
  'us-west1',
  'us-west4',
  'europe-west1',
  'europe-west4',
  'asia-southeast1',
] as const;

/** The Cloud Storage multi-region holding a region (us-central1 -> US, europe-west4 -> EU, asia-southeast1 -> ASIA). */
export function multiRegionOf(regionName: string): 'US' | 'EU' | 'ASIA' {
  if (regionName.startsWith('europe-')) return 'EU';
  if (regionName.startsWith('asia-')) return 'ASIA';
  return 'US';
}

export const region = z.string().superRefine((value, ctx) => {
  const zone = /^([a-z]+-[a-z]+[0-9]{1,2})-[a-z]$/.exec(value);
  if (zone) {
    report(ctx, [], `(${show(value)}) is a zone, not a region. Fix: use its region "${zone[1]}"`);
  } else if (!GCP_REGION.test(value)) {
    report(ctx, [], `(${show(value)}) is not a GCP region name. Fix: use a region such as "us-central1"`);
  } else if (!(KNOWN_REGIONS as readonly string[]).includes(value)) {
    report(
      ctx,
      [],
      `(${show(value)}) is not a region this project supports. Fix: use one of ${KNOWN_REGIONS.join(', ')}`,
    );
  }
});

// https://cloud.google.com/resource-manager/docs/creating-managing-projects: 6-30 chars, lowercase, digits, hyphens.
export const projectId = z.string().regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, {
  error: (issue) =>
    `(${show(issue.input)}) is not a GCP project id. Fix: 6-30 characters of lowercase letters, digits and hyphens, starting with a letter`,
});

export const domain = z.string().regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
  error: (issue) =>
    `(${show(issue.input)}) is not a domain name. Fix: use a lowercase DNS name such as "afpip.com", without scheme or path`,
});

// https://cloud.google.com/storage/docs/buckets#naming (the dot-free form).
export const bucketName = z.string().regex(/^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/, {
  error: (issue) =>
    `(${show(issue.input)}) is not a valid bucket name. Fix: 3-63 characters of lowercase letters, digits, "-" and "_", starting and ending with a letter or digit`,
});

const LABEL = /^[a-z][a-z0-9_-]{0,62}$/;
const LABEL_VALUE = /^[a-z0-9_-]{0,63}$/;

export const labels = z.record(z.string(), z.string()).superRefine((value, ctx) => {
  for (const [key, labelValue] of Object.entries(value)) {
    if (!LABEL.test(key)) {
      report(
        ctx,
        [key],
        `is not a valid label key. Fix: lowercase letters, digits, "_" and "-", starting with a letter`,
      );
    } else if (!LABEL_VALUE.test(labelValue)) {
      report(
        ctx,
        [key],
        `(${show(labelValue)}) is not a valid label value. Fix: up to 63 lowercase letters, digits, "_" and "-"`,
      );
    }
  }
});

/** Reports `min > max` on a pair of sibling fields. */
export function minNotAboveMax(
  ctx: z.RefinementCtx,
  value: Record<string, unknown>,
  minKey: string,
  maxKey: string,
): void {
  const min = value[minKey];
  const max = value[maxKey];
  if (typeof min === 'number' && typeof max === 'number' && min > max) {
    report(ctx, [minKey], `(${min}) is above ${maxKey} (${max}). Fix: lower ${minKey} or raise ${maxKey}`);
  }
}

/**
 * Why `image` is not pinned to a release, or undefined when it is: a reference with no tag pulls `latest`, and
 * `latest` moves under a running service, so a rollback or a new node may run another build than the one reviewed.
 */
export function unpinnedImage(image: string, example: string): string | undefined {
  const name = image.slice(image.lastIndexOf('/') + 1);
  if (/@sha256:[a-f0-9]{64}$/.test(image)) return undefined;
  const tag = name.includes(':') ? name.slice(name.indexOf(':') + 1) : undefined;
  if (tag === undefined || tag === '')
    return `(${show(image)}) has no tag. Fix: pin a release, e.g. "${example}"`;
  if (tag === 'latest') {
    return `(${show(image)}) uses the floating tag "latest". Fix: pin a release, e.g. "${example}"`;
  }
  return undefined;
}

/** An image reference pinned by tag or digest, never a floating tag (see unpinnedImage). */
export function pinnedImage(example: string) {
  return z.string().superRefine((value, ctx) => {
    const problem = unpinnedImage(value, example);
    if (problem) report(ctx, [], problem);
  });
}

/**
 * Why a Binary Authorization allowlist pattern admits a whole registry, or undefined when it names images:
 * a wildcard right after the host (`gcr.io/**`, `docker.io/*`), after an Artifact Registry project
 * (`<loc>-docker.pkg.dev/<project>/**`) or after a registry mirror (`.../docker-hub/**`: it pulls anything from
 * Docker Hub). Such a pattern admits images nobody reviewed, whatever the default rule says.
 */
export function wideImagePattern(pattern: string): string | undefined {
  const wildcard = pattern.search(/\*+$/);
  if (wildcard < 0) return undefined;
  // Complete path segments before the wildcard, the host first (`gcr.io/g*` has one: `g*` is any project).
  const segments = pattern.slice(0, wildcard).split('/').slice(0, -1);
  const fix = 'Fix: name the image repository, e.g. "<registry>/<path>/<image>:*" (an image at any tag)';
  if (segments.length === 0 || segments[0].includes('*'))
    return `(${show(pattern)}) admits every image. ${fix}`;
  if (segments.length === 1) return `(${show(pattern)}) admits the whole registry ${segments[0]}. ${fix}`;
  if (!/^[a-z0-9-]+-docker\.pkg\.dev$/.test(segments[0])) return undefined;
  if (segments.length === 2) {
    return `(${show(pattern)}) admits every repository of project ${segments[1]}. ${fix}`;
  }
  if (segments.length === 3 && MIRROR_REPOSITORY_IDS.includes(segments[2])) {
    return `(${show(pattern)}) admits all of the registry mirror ${segments[2]} (it pulls any public image). ${fix}`;
  }
  return undefined;
}

/**
 * Whether the allowlist `pattern` admits images of `repository` (`<host>/<project>/<repository id>`): it names a
 * path inside it (`<repository>/frontend:*`, `<repository>/**`), or a `**` before it reaches into it.
 */
export function coversRepository(pattern: string, repository: string): boolean {
  const prefix = pattern.replace(/\*+$/, '');
  const inside = `${repository}/`;
  return prefix.startsWith(inside) || (pattern.endsWith('**') && inside.startsWith(prefix));
}
