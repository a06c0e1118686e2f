import { callInSynthThread } from './support/synth';

// The thread behind synthApp and friends (support/synth.ts, support/synth-thread.js): every call gets its own
// answer, a failure included, and the thread goes on serving.
const FIXTURE = '__tests__/support/thread-fixture';

describe('the synth thread of a jest worker', () => {
  it('returns what the called function returns', () => {
    expect(callInSynthThread(FIXTURE, 'echo', { a: [1, 'b'] })).toEqual({ a: [1, 'b'] });
  });

  it("throws the called function's error, with its message", () => {
    expect(() => callInSynthThread(FIXTURE, 'fails')).toThrow(/failed in the synth thread: Error: boom/);
  });

  it('refuses a result that is not plain data, naming why', () => {
    expect(() => callInSynthThread(FIXTURE, 'returnsFunction')).toThrow(
      /its result cannot be sent back \(plain data only\)/,
    );
  });

  it('answers the next call with its own result after failures', () => {
    expect(callInSynthThread(FIXTURE, 'echo', 42)).toBe(42);
  });
});
