import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { listEnvironments } from '../config/load';

const repo = path.join(__dirname, '..');

/** Runs main.ts the way `npm run synth` runs dist/main.js, from the TypeScript sources. */
function synth(env: Record<string, string>, outdir: string) {
  return spawnSync(process.execPath, ['-r', './__tests__/support/swc-register.js', 'main.ts'], {
    cwd: repo,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
  });
}

describe('npm run synth (main.ts)', () => {
  // Nested and not there yet, as in CI's cdktf.out.ci/<env>: synth creates the parents.
  const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-')), 'ci', 'cdktf.out');

  it('stops on an unknown AFPI_ENV, lists the valid ones and writes nothing', () => {
    const run = synth({ AFPI_ENV: 'nope' }, outdir);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `Config error, nothing was written:\n  AFPI_ENV=nope: no such environment in config/environments. Fix: use one of ${listEnvironments().join(', ')}\n`,
    );
    expect(fs.existsSync(outdir)).toBe(false);
  });

  it('writes every stack of the environment and a summary, keeping each stack .terraform folder', () => {
    const initialized = path.join(outdir, 'stacks', 'network', '.terraform');
    fs.mkdirSync(initialized, { recursive: true });
    const run = synth({ AFPI_ENV: 'staging', AFPI_TIER: 'startup' }, outdir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      `Synthesized staging (tier startup, project afpi-staging) into ${outdir}/stacks:`,
    );
    expect(run.stdout).toMatch(/^ {2}state +51 resources +2 data sources +3 outputs$/m);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    for (const id of Object.keys(manifest.stacks)) {
      expect(fs.existsSync(path.join(outdir, 'stacks', id, 'cdk.tf.json'))).toBe(true);
    }
    expect(Object.keys(manifest.stacks)).toContain('state');
    expect(fs.existsSync(initialized)).toBe(true);
    expect(fs.readdirSync(path.dirname(outdir))).toEqual(['cdktf.out']);
  });

  it('leaves the previous output untouched when the config is bad', () => {
    const before = fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8');
    const run = synth({ AFPI_ENV: 'dev', AFPI_TIER: 'nope' }, outdir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'AFPI_TIER=nope: no such tier. Fix: use one of startup, growth, scale, enterprise',
    );
    expect(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')).toBe(before);
  });
});

describe('npm run synth:hcl (main.ts under cdktf synth --hcl)', () => {
  it('writes HCL for every stack and still checks the policy', () => {
    const outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-hcl-')), 'cdktf.out');
    const run = synth({ AFPI_ENV: 'staging', AFPI_TIER: 'startup', SYNTH_HCL_OUTPUT: 'true' }, outdir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Policy: \d+ checks passed, 0 violations, 0 suppressed$/m);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8'));
    for (const stack of Object.values<{ synthesizedStackPath: string }>(manifest.stacks)) {
      expect(stack.synthesizedStackPath).toMatch(/cdk\.tf$/);
      expect(fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), 'utf8')).toMatch(/^resource "/m);
    }
  });
});
