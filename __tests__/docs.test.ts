import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { anchor, brokenLinks, sectionReferences, staleReferences } from './support/docs';

describe('references to documentation sections (`<file>.md "<heading>"`)', () => {
  const references = sectionReferences();

  it('finds the references (config files, messages, code comments and runbooks cite sections)', () => {
    expect(references.map((r) => r.from)).toEqual(
      expect.arrayContaining([
        'config/tiers/scale.yaml',
        'config/environments/prod.yaml',
        'config/load.ts',
        'docs/runbooks/bootstrap.md',
        'README.md',
      ]),
    );
    expect(references.map((r) => r.file)).toEqual(
      expect.arrayContaining(['README.md', 'docs/operations.md']),
    );
  });

  it('each names a heading of the file it names', () => {
    expect(staleReferences()).toEqual([]);
  });
});

describe('relative links in README.md and docs/', () => {
  it('each points at a file that exists, and at a heading of it when it has an anchor', () => {
    expect(brokenLinks()).toEqual([]);
  });

  it('anchors follow GitHub: lower case, punctuation dropped, spaces to hyphens', () => {
    expect(anchor('Serving path (`cloud-run`)')).toBe('serving-path-cloud-run');
    expect(anchor('CI: plan review and deploy')).toBe('ci-plan-review-and-deploy');
  });
});

describe('the checks catch what goes stale', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-check-'));
  fs.mkdirSync(path.join(root, 'docs', 'runbooks'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'README.md'),
    '# Title\n\n## Quick start\n\nSee [ops](docs/ops.md#deploying).\n',
  );
  fs.writeFileSync(
    path.join(root, 'docs', 'ops.md'),
    '# Operations\n\n## Deploying one stack\n\n[up](../README.md#quick-start) [gone](runbooks/gone.md)\n',
  );
  fs.writeFileSync(
    path.join(root, 'load.ts'),
    '// see README "Quick start", docs/ops.md "Deploying one stack", docs/ops.md "Local inference", docs/nope.md "X"\n',
  );
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reports a section its file does not have, and a file that does not exist', () => {
    expect(staleReferences(root)).toEqual([
      { from: 'load.ts', file: 'docs/ops.md', section: 'Local inference' },
      { from: 'load.ts', file: 'docs/nope.md', section: 'X' },
    ]);
  });

  it('reports a link to a missing file and to a missing heading', () => {
    expect(brokenLinks(root)).toEqual(['README.md: docs/ops.md#deploying', 'docs/ops.md: runbooks/gone.md']);
  });
});
