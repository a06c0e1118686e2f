/** Calls for __tests__/synth-thread.test.ts: what the synth thread must answer besides a synth. */
export function echo(value: unknown): unknown {
  return value;
}

export function fails(): never {
  throw new Error('boom');
}

export function returnsFunction(): () => void {
  return () => undefined;
}
