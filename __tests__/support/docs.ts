import * as fs from 'fs';
import * as path from 'path';
import { repoRoot } from '../../config/paths';

/** The Markdown a reader follows: README.md and everything under docs/. */
export function markdownFiles(dir = repoRoot): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return dir === repoRoot && entry.name !== 'docs' ? [] : markdownFiles(full);
    return entry.name.endsWith('.md') && (dir !== repoRoot || entry.name === 'README.md') ? [full] : [];
  });
}
