import { SynthesizedStack } from '../../cost/synthesized';
import { SynthesizedApp } from './synth';

/** The cost report's input (what `readSynthesized` reads from cdktf.out) from a synthesized app. */
export function stacksOf(app: SynthesizedApp): SynthesizedStack[] {
  return Object.entries(app).map(([id, tf]) => ({
    id,
    project: tf?.provider?.google?.[0]?.project as string | undefined,
    resources: Object.entries(tf?.resource ?? {}).flatMap(([type, byName]) =>
      Object.entries(byName).map(([name, attrs]) => ({ stack: id, type, name, attrs })),
    ),
  }));
}
