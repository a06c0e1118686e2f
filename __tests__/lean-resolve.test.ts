import * as fs from 'fs';
import type { BothWays } from './support/lean-resolve-cases';
import { callInSynthThread } from './support/synth';

const CASES = '__tests__/support/lean-resolve-cases';
const both = (name: string, ...args: unknown[]) => callInSynthThread<BothWays[]>(CASES, name, ...args);

describe('app/lean-resolve.ts resolves tokens exactly as cdktf does', () => {
  it('is the resolver cdktf uses once an app is built (the pinned cdktf is the version it reproduces)', () => {
    const pinned = JSON.parse(fs.readFileSync('package.json', 'utf8')).dependencies.cdktf;
    expect(callInSynthThread(CASES, 'resolverInUse')).toEqual({
      resolver: 'leanResolve',
      cdktfVersion: pinned,
    });
  });

  it('writes every stack of dev (all seven) byte for byte as cdktf resolves it', () => {
    const stacks = both('stacksBothWays', 'dev');
    expect(stacks.map((s) => s.name).sort()).toEqual(
      ['cloud-run', 'data', 'gke-gpu', 'inference', 'network', 'observability', 'state'].sort(),
    );
    for (const { name, cdktf, lean } of stacks) expect({ name, json: lean }).toEqual({ name, json: cdktf });
    // Cross-stack references became outputs and remote state: the preparing pass ran with each resolver.
    const all = stacks.map((s) => s.lean).join('\n');
    expect(all).toContain('"cross-stack-output-');
    expect(all).toContain('"terraform_remote_state"');
  });

  it('resolves every kind of token, in values, keys, strings and lists, preparing or not', () => {
    for (const { name, cdktf, lean } of both('valuesBothWays')) {
      expect({ name, json: lean }).toEqual({ name, json: cdktf });
      const resolved = JSON.parse(lean);
      expect(resolved).toMatchObject({
        number: 7,
        numberInString: 'port 7',
        stringToken: 'lazy',
        concatenated: 'pre-mid-post',
        'key-mid': 'tokenized key',
        tokenList: ['x', 'y'],
        numberList: [1, 2],
        stringMap: { k: 'v' },
        nested: ['a', 2, ['b', { deeper: { x: 1 } }]],
        reference: '${var.region}',
        interpolated: 'zone-${var.region}-a',
      });
      expect(resolved).not.toHaveProperty('skipped');
    }
  });

  it('raises the same error, with the same key path, for every input cdktf refuses', () => {
    const errors = both('errorsBothWays');
    expect(errors).toHaveLength(8);
    for (const { name, cdktf, lean } of errors) {
      expect(cdktf).not.toBe('did not throw');
      expect({ name, message: lean }).toEqual({ name, message: cdktf });
    }
  });
});
