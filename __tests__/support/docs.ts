import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../../config/paths';

/** The Markdown a reader follows: README.md and everything under docs/. */
export function markdownFiles(dir = repoRoot, root = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return dir === root && entry.name !== 'docs' ? [] : markdownFiles(full, root);
    return entry.name.endsWith('.md') && (dir !== root || entry.name === 'README.md') ? [full] : [];
  });
}

/** Markdown without fenced code blocks and inline code, where `#` lines and `[x](y)` are not headings or links. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** The headings of a Markdown file, as written (code fences skipped). */
export function headings(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .replace(/^```[^]*?^```/gm, '')
    .split('\n')
    .filter((line) => /^#{1,6} /.test(line))
    .map((line) => line.replace(/^#+ /, ''));
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function anchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** Files whose comments, messages and prose cite a section as `<file>.md "<heading>"` (or `README "<heading>"`). */
function citingFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (
      ['node_modules', 'dist', '.git', '.jest-tmp', '__tests__'].includes(entry.name) ||
      entry.name.startsWith('cdktf.out')
    )
      return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return citingFiles(full);
    return /\.(ts|js|ya?ml|sh|md)$/.test(entry.name) ? [full] : [];
  });
}

export interface SectionReference {
  /** The citing file, from the repository root. */
  readonly from: string;
  /** The cited Markdown file, from the repository root (`README` is README.md). */
  readonly file: string;
  readonly section: string;
}

/** Every `<path>.md "<heading>"` / `README "<heading>"` citation under root; paths are from the repository root. */
export function sectionReferences(root = repoRoot): SectionReference[] {
  return citingFiles(root).flatMap((file) =>
    [
      ...fs
        .readFileSync(file, 'utf8')
        .matchAll(/(?<![\w/.-])(README|(?:[\w-]+\/)*[\w-]+\.md),? "([^"\n]+)"/g),
    ].map((m) => ({
      from: path.relative(root, file),
      file: m[1] === 'README' ? 'README.md' : m[1],
      section: m[2],
    })),
  );
}

/** The references whose file does not exist or has no heading starting with the cited section. */
export function staleReferences(root = repoRoot): SectionReference[] {
  return sectionReferences(root).filter((r) => {
    const file = path.join(root, r.file);
    return !fs.existsSync(file) || !headings(file).some((h) => h.startsWith(r.section));
  });
}

/** Relative Markdown links of README.md and docs/ whose file, or heading anchor, does not exist. */
export function brokenLinks(root = repoRoot): string[] {
  return markdownFiles(root).flatMap((file) =>
    [...prose(fs.readFileSync(file, 'utf8')).matchAll(/\]\(([^)\s]+)\)/g)]
      .map((m) => m[1])
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => {
        const [relative, hash] = target.split('#');
        const linked = relative ? path.resolve(path.dirname(file), relative) : file;
        if (!fs.existsSync(linked)) return true;
        return hash !== undefined && linked.endsWith('.md') && !headings(linked).map(anchor).includes(hash);
      })
      .map((target) => `${path.relative(root, file)}: ${target}`),
  );
}
