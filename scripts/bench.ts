/**
 * `npm run bench`: time (min and median of several runs) and peak RSS of (a) the full synth of the default
 * environment from compiled JS and (b) a one-resource app loading the same provider modules; prints both and
 * their ratio, and exits 1 when a target is missed (ratio <= 2.0, full synth peak RSS <= 250 MB).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_RATIO = 2.0;
const TARGET_RSS_MB = 250;
const dist = path.join(__dirname, '..');

interface Sample {
  seconds: number;
  rssMB: number;
  providerModules: string[];
}

function run(script: string, env: Record<string, string>): Sample {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'afpi-bench-'));
  const report = path.join(work, 'report.json');
  try {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, ['-r', path.join(dist, 'scripts', 'bench-probe.js'), script], {
      env: {
        ...process.env,
        ...env,
        BENCH_REPORT: report,
        CDKTF_OUTDIR: path.join(work, 'out'),
        CHECKPOINT_DISABLE: '1',
      },
      encoding: 'utf8',
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (child.status !== 0) throw new Error(`${script} failed:\n${child.stderr}`);
    const { maxRssKiB, providerModules } = JSON.parse(fs.readFileSync(report, 'utf8'));
    return { seconds, rssMB: maxRssKiB / 1024, providerModules };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function stats(samples: Sample[]) {
  const times = samples.map((s) => s.seconds).sort((a, b) => a - b);
  return {
    min: times[0],
    median: times[Math.floor(times.length / 2)],
    rssMB: Math.max(...samples.map((s) => s.rssMB)),
  };
}

function main(): number {
  // One full run first: it tells which provider modules the baseline must load.
  const first = run(path.join(dist, 'main.js'), {});
  const modulesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'afpi-bench-')), 'modules.json');
  fs.writeFileSync(modulesFile, JSON.stringify(first.providerModules));
  // Interleaved, so both sides see the same background load on a shared machine.
  const full: Sample[] = [];
  const minimal: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    full.push(run(path.join(dist, 'main.js'), {}));
    minimal.push(run(path.join(dist, 'scripts', 'bench-minimal.js'), { BENCH_MODULES: modulesFile }));
  }
  fs.rmSync(path.dirname(modulesFile), { recursive: true, force: true });

  const a = stats(full);
  const b = stats(minimal);
  const ratio = a.median / b.median;
  const line = (name: string, s: ReturnType<typeof stats>) =>
    `${name.padEnd(34)} min ${s.min.toFixed(3)} s  median ${s.median.toFixed(3)} s  peak RSS ${s.rssMB.toFixed(0)} MB`;
  console.log(
    `Benchmark: ${RUNS} interleaved runs each, ${first.providerModules.length} provider modules loaded`,
  );
  console.log(line('(a) full synth, default env', a));
  console.log(line('(b) one resource, same modules', b));
  console.log(`ratio (a)/(b) median: ${ratio.toFixed(2)} (target <= ${TARGET_RATIO})`);
  console.log(`full synth peak RSS: ${a.rssMB.toFixed(0)} MB (target <= ${TARGET_RSS_MB} MB)`);
  const ok = ratio <= TARGET_RATIO && a.rssMB <= TARGET_RSS_MB;
  console.log(ok ? 'targets met' : 'TARGET MISSED');
  return ok ? 0 : 1;
}

process.exitCode = main();
