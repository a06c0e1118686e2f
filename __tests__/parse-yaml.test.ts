import * as fs from 'fs';
import * as path from 'path';
import { parse, YAMLParseError } from 'yaml';
import { parseYaml } from '../config/parse-yaml';
import { ENVIRONMENTS_DIR, TIERS_DIR } from '../config/load';
import { repoRoot } from '../config/paths';
import { HELM_VALUES_DIR } from '../inference/values';

/** The value `read` gives for `text`, or the error it throws. */
function outcome(read: (text: string) => unknown, text: string): { value?: unknown; error?: string } {
  try {
    return { value: read(text) };
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

describe('parseYaml', () => {
  // The scalars where YAML schemas differ, and documents js-yaml refuses (handed to yaml for its error).
  it.each([
    '',
    '# only a comment',
    'a: ~\nb: null\nc: Null\nd: NULL\ne: nULL\nf:',
    'a: true\nb: True\nc: TRUE\nd: tRue\ne: yes\nf: off',
    'a: 0o17\nb: 0o8\nc: 017\nd: 08\ne: +12\nf: -0\ng: 12345678901234567890',
    'a: 0x1F\nb: -0x1\nc: +0x1\nd: 0b101\ne: 1_000\nf: 0x',
    'a: 1e3\nb: 1.\nc: .5\nd: -.5e-3\ne: 1e\nf: 0.',
    'a: .inf\nb: -.Inf\nc: +.INF\nd: .nan\ne: .NaN',
    'a: 2024-01-01\nb: "${x.y}"\nc: ${x.y}\nd: v0.15.1',
    'a: !!str 5\nb: !!int "5"\nc: [1, "2", x]\nd: {b: 1}',
    '<<: {a: 1}\nb: &x 1\nc: *x',
    "a: |\n  x\n  y\nb: >-\n  x\n  y\nc: 'it''s'\nd: \"\\u00e9\\n\"",
    'a: 1\na: 2',
    '---\na: 1\n---\nb: 2',
    '%YAML 1.1\n---\na: yes\nb: 0777\nc: {<<: {d: 1}}',
    'a: [1, 2',
  ])('reads %j as the yaml package does', (text) => {
    expect(outcome(parseYaml, text)).toStrictEqual(outcome(parse, text));
  });

  it('throws the yaml package YAMLParseError, with its line, for invalid YAML', () => {
    expect(() => parseYaml('a: 1\n b: [')).toThrow(YAMLParseError);
  });

  // Every file a synth reads: Helm values files, environments and tier presets.
  const files = [HELM_VALUES_DIR, ENVIRONMENTS_DIR, TIERS_DIR].flatMap((dir) =>
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => path.relative(repoRoot, path.join(dir, f))),
  );

  it.each(files)('reads %s as the yaml package does', (file) => {
    const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
    expect(parseYaml(text)).toStrictEqual(parse(text));
  });
});
