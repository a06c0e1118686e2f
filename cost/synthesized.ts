import * as fs from 'fs';
import * as path from 'path';
import { Attrs, ResourceRef } from './pricers/types';

/** cdktf.out is missing, unreadable or from another environment; the message says how to fix it. */
export class CostInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CostInputError';
  }
}

export interface SynthesizedStack {
  readonly id: string;
  /** The google provider's project, to tell which environment was synthesized. */
  readonly project?: string;
  readonly resources: ResourceRef[];
}

export interface ReadOptions {
  /** The command that synthesizes the wanted environment, e.g. `AFPI_ENV=prod npm run synth`. */
  readonly synthCommand: string;
  /** The project the synthesized stacks must target. @default not checked */
  readonly projectId?: string;
}

function readJson(file: string, shown: string, fix: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CostInputError(`Cannot read ${shown} (${code === 'ENOENT' ? 'no such file' : code}). ${fix}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CostInputError(`Cannot read ${shown} (not valid JSON). ${fix}`);
  }
}

/** Every stack's resources from a synth output folder (`cdktf.out` or CDKTF_OUTDIR). */
export function readSynthesized(outdir: string, options: ReadOptions): SynthesizedStack[] {
  const fix = `Fix: run "${options.synthCommand}" first, then "npm run cost" again`;
  const manifestFile = path.join(outdir, 'manifest.json');
  const manifest = readJson(manifestFile, manifestFile, fix) as {
    stacks?: Record<string, { synthesizedStackPath?: string }>;
  };
  if (!manifest.stacks || typeof manifest.stacks !== 'object') {
    throw new CostInputError(`Cannot read ${manifestFile} (no "stacks"). ${fix}`);
  }
  const stacks = Object.entries(manifest.stacks).map(([id, entry]) => {
    const file = path.join(outdir, entry.synthesizedStackPath ?? `stacks/${id}/cdk.tf.json`);
    const tf = readJson(file, file, fix) as {
      resource?: Record<string, Record<string, Attrs>>;
      provider?: { google?: { project?: string }[] };
    };
    const resources = Object.entries(tf.resource ?? {}).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, attrs]) => ({ stack: id, type, name, attrs })),
    );
    return { id, project: tf.provider?.google?.[0]?.project, resources };
  });
  const other = stacks.find((s) => options.projectId && s.project && s.project !== options.projectId);
  if (other) {
    throw new CostInputError(
      `${outdir} holds project "${other.project}", not "${options.projectId}". ${fix}`,
    );
  }
  return stacks;
}
