import * as crypto from 'crypto';
import * as fs from 'fs';
import { loadVariant } from './support/env-files';
import type { BothWays } from './support/lean-resolve-cases';
import { callInSynthThread } from './support/synth';

const CASES = '__tests__/support/lean-resolve-cases';
/** sha256 of cdktf 0.21.0's lib/tokens/private/resolve.js, the algorithm app/lean-resolve.ts reproduces. */
const CDKTF_RESOLVE_SHA256 = '08c4dba33a40b05fd4f4c1957bd4102695c1b30df595bbb1ad1fb95fdc4a0382';
const both = (name: string, ...args: unknown[]) => callInSynthThread<BothWays[]>(CASES, name, ...args);

describe('app/lean-resolve.ts resolves tokens exactly as cdktf does', () => {
  it('reproduces the resolver of the cdktf pinned and installed', () => {
    const pinned = JSON.parse(fs.readFileSync('package.json', 'utf8')).dependencies.cdktf;
    expect(callInSynthThread(CASES, 'cdktfVersion')).toBe(pinned);
    // The resolver it reproduces, as installed: a patched cdktf fails here instead of being replaced silently.
    const installed = fs.readFileSync(require.resolve('cdktf/lib/tokens/private/resolve.js'));
    expect(crypto.createHash('sha256').update(new Uint8Array(installed)).digest('hex')).toBe(
      CDKTF_RESOLVE_SHA256,
    );
  });

  it('writes every stack of dev (all seven, cost anomaly alerts on) byte for byte as cdktf resolves it', () => {
    // The cost anomaly alert is the one place the app formats a raw string (Fn.format, Fn.rawString).
    const { loaded } = loadVariant('dev', {
      observability: { billingAccountId: '01ABCD-23EF45-6789AB', costAnomaly: { enabled: true } },
    });
    const { resolverAfterBuild, stacks } = callInSynthThread<{
      resolverAfterBuild: string;
      stacks: BothWays[];
    }>(CASES, 'stacksBothWays', loaded!.config);
    // What every app we build resolves with (buildApp installs it).
    expect(resolverAfterBuild).toBe('leanResolve');
    expect(stacks.map((s) => s.name).sort()).toEqual(
      ['cloud-run', 'data', 'gke-gpu', 'inference', 'network', 'observability', 'state'].sort(),
    );
    for (const { name, cdktf, lean } of stacks) expect({ name, json: lean }).toEqual({ name, json: cdktf });
    // Cross-stack references became outputs and remote state: the preparing pass ran with each resolver.
    const all = stacks.map((s) => s.lean).join('\n');
    expect(all).toContain('"cross-stack-output-');
    expect(all).toContain('"terraform_remote_state"');
    expect(all).toContain('${format(');
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
      // The resolver cases do what they are there for.
      expect(resolved.iterating).toEqual({
        x: [['FOR_EXPRESSION', null, null], { y: ['FOR_EXPRESSION', null, null] }],
      });
      expect(resolved.inFunction[0]).toEqual([[null, true, true]]);
      expect(resolved.postProcessed.seen).toEqual([null, null]);
      expect(JSON.stringify(resolved.dynamicBlock)).toContain('"dynamic":{"allow"');
    }
  });

  it('raises the same error, with the same key path, for every input cdktf refuses', () => {
    const errors = both('errorsBothWays');
    expect(errors).toHaveLength(10);
    for (const { name, cdktf, lean } of errors) {
      expect(cdktf).not.toBe('did not throw');
      expect({ name, message: lean }).toEqual({ name, message: cdktf });
    }
  });
});
