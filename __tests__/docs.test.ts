import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../config/paths';
import { markdownFiles } from './support/docs';

/** Files whose comments and messages point readers at a README section. */
function sources(dir = repoRoot): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (
      ['node_modules', 'dist', '.git', '__tests__', 'docs'].includes(entry.name) ||
      entry.name.startsWith('cdktf.out')
    )
      return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.(ts|ya?ml|sh)$/.test(entry.name) ? [full] : [];
  });
}

describe('references to README sections', () => {
  const headings = markdownFiles().flatMap((file) =>
    fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) => line.replace(/^#+ /, '')),
  );
  const references = sources().flatMap((file) =>
    [...fs.readFileSync(file, 'utf8').matchAll(/README "([^"]+)"/g)].map((m) => ({
      file: path.relative(repoRoot, file),
      section: m[1],
    })),
  );

  it('finds the references (config files and messages cite sections)', () => {
    expect(references.map((r) => r.file)).toEqual(
      expect.arrayContaining(['config/tiers/scale.yaml', 'config/environments/prod.yaml', 'config/load.ts']),
    );
  });

  it('each names a heading of README.md or docs/', () => {
    const stale = references.filter((r) => !headings.some((h) => h.startsWith(r.section)));
    expect(stale).toEqual([]);
  });
});
