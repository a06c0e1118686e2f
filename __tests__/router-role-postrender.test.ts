import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { VLLM_POST_RENDERER } from '../inference/values';
import { resourcesOf, synthEnvironment } from './support/synth';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { dropRouterPatch } = require(VLLM_POST_RENDERER) as { dropRouterPatch: (yaml: string) => string };

type Doc = { kind?: string; metadata?: { name?: string }; rules?: { verbs: string[] }[] };
const docs = (yaml: string) =>
  parseAllDocuments(yaml)
    .map((d) => d.toJS() as Doc | null)
    .filter((d): d is Doc => d !== null);
const routerRole = (yaml: string) =>
  docs(yaml).find((d) => d.kind === 'Role' && d.metadata?.name === 'vllm-reader');

/** `helm template` of the upstream vllm-stack 0.1.12 with the dev release's values, as the chart renders it. */
const rendered = fs.readFileSync(path.join(__dirname, 'fixtures', 'vllm-stack-0.1.12-dev.yaml'), 'utf8');

describe('vllm-stack router Role post-renderer (issue 21)', () => {
  it('starts from a chart that grants the router pods:patch', () => {
    expect(routerRole(rendered)?.rules?.[0].verbs).toContain('patch');
  });

  it('leaves the router read-only on pods and every other manifest untouched', () => {
    const after = dropRouterPatch(rendered);
    expect(routerRole(after)?.rules).toEqual([
      expect.objectContaining({ resources: ['pods'], verbs: ['get', 'watch', 'list'] }),
    ]);
    const others = (yaml: string) => docs(yaml).filter((d) => d.kind !== 'Role');
    expect(others(after)).toEqual(others(rendered));
    expect(docs(after)).toHaveLength(docs(rendered).length);
  });

  it('also drops patch from a block-style verbs list', () => {
    const block = rendered.replace(
      /^(\s*)verbs: \[([^\]]*)\]$/m,
      (_m, indent: string, verbs: string) =>
        `${indent}verbs:\n${verbs
          .split(',')
          .map((v) => `${indent}  - ${v.trim()}`)
          .join('\n')}`,
    );
    expect(routerRole(block)?.rules?.[0].verbs).toContain('patch');
    expect(routerRole(dropRouterPatch(block))?.rules?.[0].verbs).toEqual(['get', 'watch', 'list']);
  });

  it('fails when patch survives in a form it does not rewrite', () => {
    const commented = rendered.replace(
      /^(\s*)verbs: \[[^\]]*\]$/m,
      '$1verbs:\n$1  - get\n$1  - patch # sleep mode',
    );
    expect(routerRole(commented)?.rules?.[0].verbs).toEqual(['get', 'patch']);
    expect(() => dropRouterPatch(commented)).toThrow(/"patch" is still in Role vllm-reader/);
  });

  it('fails when the chart no longer renders the Role it edits', () => {
    const withoutRole = rendered.replace(/^kind: Role$/m, 'kind: ClusterRole');
    expect(() => dropRouterPatch(withoutRole)).toThrow(/no Role "<release>-reader"/);
  });

  it('runs as the vllm release post-renderer, from an asset in the stack', () => {
    const vllm = resourcesOf(synthEnvironment('dev').inference, 'helm_release').find(
      (r) => r.name === 'vllm',
    );
    expect(vllm?.postrender).toEqual({
      binary_path: 'node',
      args: [
        expect.stringMatching(/^assets\/vllm-release_post-renderer_[A-F0-9]+\/[A-F0-9]+\/router-role\.js$/),
      ],
    });
  });
});
