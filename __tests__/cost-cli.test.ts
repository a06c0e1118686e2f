import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadEnvironment } from '../config/load';
import { callInSynthThread } from './support/synth';

const repo = path.join(__dirname, '..');

/** Runs a script the way its npm command runs the compiled one, from the TypeScript sources. */
function run(script: string, args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['-r', './__tests__/support/swc-register.js', script, ...args], {
    cwd: repo,
    env: { ...process.env, AFPI_TIER: '', ...env, CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  });
}

describe('npm run cost (scripts/cost.ts)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-cli-'));
  const outdir = path.join(dir, 'cdktf.out');

  it('tells the user to synthesize first when there is no cdktf.out', () => {
    const result = run('scripts/cost.ts', [], { AFPI_ENV: 'staging', CDKTF_OUTDIR: outdir });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      `Cannot read ${outdir}/manifest.json (no such file). Fix: run "AFPI_ENV=staging npm run synth" first, then "npm run cost" again\n`,
    );
  });

  it('prints the tables after a synth, and writes Markdown to --out', () => {
    const env = { AFPI_ENV: 'staging', AFPI_TIER: 'startup', CDKTF_OUTDIR: outdir };
    // What `npm run synth` writes (its command line is cli.test.ts's), from the worker's warm synth thread.
    callInSynthThread(
      'app/synthesize',
      'synthesize',
      loadEnvironment('staging', { tier: 'startup' }).config,
      outdir,
    );
    const text = run('scripts/cost.ts', [], env);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(
      /^Monthly cost estimate: staging \(tier startup, project afpi-staging, us-central1\)$/m,
    );
    expect(text.stdout).toMatch(/^TOTAL +\$[\d,.]+ {2}per month$/m);
    const file = path.join(dir, 'cost.md');
    const markdown = run('scripts/cost.ts', ['--markdown', '--out', file], env);
    expect(markdown.stdout).toBe(`Wrote the Markdown cost report to ${file}\n`);
    expect(fs.readFileSync(file, 'utf8')).toMatch(/^### Monthly cost estimate: staging/);
  });

  it('rejects unknown arguments', () => {
    const result = run('scripts/cost.ts', ['--bogus'], { CDKTF_OUTDIR: outdir });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('Usage: npm run cost [-- --markdown [--out <file>]]\n');
  });
});
