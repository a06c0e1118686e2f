/**
 * `npm run bench`: wall time (min and median of several interleaved runs) of an up-to-date dev synth as users
 * start it (`npm run synth`, the cdktf.json app), of `node dist/main.js` alone and of the bundle the synth path
 * runs (dist/main.bundle.js through the code cache), next to two baselines: a one-resource app (same google
 * provider, deep import) and the same app loading every provider module the full synth loads, each run as plain
 * tsc output and bundled + code cache like the synth. The ratio target is the issue's: `node dist/main.js` to the
 * one-resource app, both as tsc emits them; the other ratios are reported. Prints peak RSS of the node processes it can probe. Then runs `npm test`
 * BENCH_SUITE_RUNS times (3; skipped with BENCH_SUITE=0): the median wall time, and our entries in the system temp
 * dir before and after each run. Exits 1 when a target is missed.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SUITE_RUNS = Math.max(1, Math.floor(Number(process.env.BENCH_SUITE_RUNS ?? 3)) || 1);
const TARGET_SYNTH_SECONDS = 1.6;
const TARGET_RATIO = 3.0;
const TARGET_RSS_MB = 200;
const TARGET_SUITE_SECONDS = 30;
const dist = path.join(__dirname, '..');
const root = path.join(dist, '..');

interface Sample {
  seconds: number;
  /** Peak RSS and provider modules, from bench-probe; absent for commands started through npm or a shell. */
  rssMB?: number;
  providerModules?: string[];
}

interface Command {
  name: string;
  argv: string[];
  env?: Record<string, string>;
  /** Preload bench-probe (node scripts only). */
  probe?: boolean;
  /** Preload the code cache, as scripts/run-compiled.js does for the bundle it runs. */
  cached?: boolean;
}

function run(command: Command): Sample {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'afpi-bench-'));
  const report = path.join(work, 'report.json');
  const [file, ...args] = command.argv;
  const preload = ['-r', path.join(dist, 'scripts', 'bench-probe.js')];
  if (command.cached) preload.push('-r', path.join(dist, 'app', 'compile-cache.js'));
  const argv = command.probe ? [...preload, file, ...args] : args;
  try {
    const started = process.hrtime.bigint();
    const child = spawnSync(command.probe ? process.execPath : file, argv, {
      cwd: root,
      env: {
        ...process.env,
        ...command.env,
        BENCH_REPORT: report,
        CDKTF_OUTDIR: path.join(work, 'out'),
        CHECKPOINT_DISABLE: '1',
      },
      encoding: 'utf8',
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (child.status !== 0) throw new Error(`${command.name} failed:\n${child.stdout}\n${child.stderr}`);
    if (!command.probe) return { seconds };
    const { maxRssKiB, providerModules } = JSON.parse(fs.readFileSync(report, 'utf8'));
    return { seconds, rssMB: maxRssKiB / 1024, providerModules };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function stats(samples: Sample[]) {
  const times = samples.map((s) => s.seconds).sort((a, b) => a - b);
  const rss = samples.flatMap((s) => (s.rssMB === undefined ? [] : [s.rssMB]));
  return {
    min: times[0],
    median: times[Math.floor(times.length / 2)],
    rssMB: rss.length ? Math.max(...rss) : undefined,
  };
}

/** Bundles a baseline the way scripts/run-compiled.js bundles the synth entry. */
function bundled(entry: string, outfile: string): string {
  // Plain JS shared with the launcher, which runs before anything is compiled.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { bundle } = require(path.join(root, 'scripts', 'bundle.js')) as {
    bundle(entry: string, outfile: string): void;
  };
  bundle(entry, outfile);
  return outfile;
}

interface SuiteRun {
  seconds: number;
  /** jest's `Tests:` line. */
  summary: string;
  failed: boolean;
  /** Our entries in the system temp dir before the run, and those it added (names as system-tmp.js counts them). */
  tmpBefore: number;
  tmpAdded: string[];
}

/** `npm test` once, as a user runs it, with our entries in the system temp dir counted around it. */
function runSuite(): SuiteRun {
  process.env.AFPI_SYSTEM_TMPDIR ??= os.tmpdir();
  // Plain JS shared with jest's global setup.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { ourEntries } = require(path.join(root, '__tests__', 'support', 'system-tmp.js')) as {
    ourEntries(): string[];
  };
  const before = new Set(ourEntries());
  const started = process.hrtime.bigint();
  const child = spawnSync('npm', ['test', '--silent'], {
    cwd: root,
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const summary = /^Tests: +(.*)$/m.exec(child.stderr)?.[1] ?? 'no summary';
  const tmpAdded = ourEntries().filter((name) => !before.has(name));
  return { seconds, summary, failed: child.status !== 0, tmpBefore: before.size, tmpAdded };
}

function main(): number {
  const app = JSON.parse(fs.readFileSync(path.join(root, 'cdktf.json'), 'utf8')).app as string;
  const mainJs = path.join(dist, 'main.js');
  const minimal = path.join(dist, 'scripts', 'bench-minimal.js');
  // One full run first: it tells which provider modules the same-modules baseline must load. The cdktf.json app
  // once more, so its build stamp is current and every timed run is an up-to-date synth.
  const first = run({ name: 'node dist/main.js', argv: [mainJs], probe: true });
  run({ name: 'cdktf.json app', argv: ['sh', '-c', app] });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'afpi-bench-'));
  const modulesFile = path.join(work, 'modules.json');
  fs.writeFileSync(modulesFile, JSON.stringify(first.providerModules));
  // The same-modules baseline as one bundle: static requires of the list, then the one-resource app.
  const sameEntry = path.join(work, 'same-modules.js');
  fs.writeFileSync(
    sameEntry,
    [...first.providerModules!, minimal].map((id) => `require(${JSON.stringify(id)});\n`).join(''),
  );
  const commands: Command[] = [
    { name: 'npm run synth', argv: ['npm', 'run', 'synth'] },
    { name: 'cdktf.json app', argv: ['sh', '-c', app] },
    { name: 'node dist/main.js', argv: [mainJs], probe: true },
    {
      name: 'synth bundle + code cache',
      argv: [path.join(dist, 'main.bundle.js')],
      probe: true,
      cached: true,
    },
    { name: 'one-resource app', argv: [minimal], probe: true },
    {
      name: 'one-resource app, bundled',
      argv: [bundled(minimal, path.join(dist, 'scripts', 'bench-minimal.bundle.js'))],
      probe: true,
      cached: true,
    },
    {
      name: 'one-resource app + same modules',
      argv: [minimal],
      env: { BENCH_MODULES: modulesFile },
      probe: true,
    },
    {
      name: 'same modules, bundled',
      argv: [bundled(sameEntry, path.join(dist, 'scripts', 'bench-same-modules.bundle.js'))],
      probe: true,
      cached: true,
    },
  ];
  // Interleaved, so every command sees the same background load on a shared machine.
  const samples: Sample[][] = commands.map(() => []);
  try {
    for (let i = 0; i < RUNS; i++) commands.forEach((c, k) => samples[k].push(run(c)));
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  const [npmSynth, appSynth, full, synthBundle, one, oneBundled, same, sameBundled] = samples.map(stats);

  console.log(
    `Benchmark: up-to-date dev synth, ${RUNS} interleaved runs each, ${first.providerModules!.length} provider modules loaded; cdktf.json app: ${app}`,
  );
  commands.forEach((c, k) => {
    const s = stats(samples[k]);
    const rss = s.rssMB === undefined ? '' : `  peak RSS ${s.rssMB.toFixed(0)} MB`;
    console.log(`${c.name.padEnd(32)} min ${s.min.toFixed(3)} s  median ${s.median.toFixed(3)} s${rss}`);
  });
  const ratio = full.median / one.median;
  const checks: [string, boolean][] = [
    [
      `npm run synth median ${npmSynth.median.toFixed(2)} s (target <= ${TARGET_SYNTH_SECONDS} s)`,
      npmSynth.median <= TARGET_SYNTH_SECONDS,
    ],
    [
      `cdktf.json app median ${appSynth.median.toFixed(2)} s (target <= ${TARGET_SYNTH_SECONDS} s)`,
      appSynth.median <= TARGET_SYNTH_SECONDS,
    ],
    [
      `node dist/main.js / one-resource app, both as tsc emits them: ${ratio.toFixed(2)}x (target <= ${TARGET_RATIO}x)`,
      ratio <= TARGET_RATIO,
    ],
    [
      `synth bundle peak RSS ${synthBundle.rssMB!.toFixed(0)} MB (target <= ${TARGET_RSS_MB} MB)`,
      synthBundle.rssMB! <= TARGET_RSS_MB,
    ],
    [
      `node dist/main.js peak RSS ${full.rssMB!.toFixed(0)} MB (target <= ${TARGET_RSS_MB} MB)`,
      full.rssMB! <= TARGET_RSS_MB,
    ],
  ];
  if (process.env.BENCH_SUITE !== '0') {
    // The median of a few runs: one run of the suite varies by a second or two on this machine.
    const suites = Array.from({ length: SUITE_RUNS }, () => runSuite());
    const median = [...suites].sort((a, b) => a.seconds - b.seconds)[Math.floor(suites.length / 2)];
    const added = [...new Set(suites.flatMap((s) => s.tmpAdded))];
    console.log(
      `npm test                         median ${median.seconds.toFixed(1)} s of ${suites.map((s) => s.seconds.toFixed(1)).join(', ')} s  ${median.summary}`,
    );
    checks.push(
      [`npm test passes (${suites.map((s) => s.summary).join('; ')})`, suites.every((s) => !s.failed)],
      [
        `npm test median ${median.seconds.toFixed(1)} s of ${suites.length} runs (target <= ${TARGET_SUITE_SECONDS} s)`,
        median.seconds <= TARGET_SUITE_SECONDS,
      ],
      [
        `npm test left the system temp dir as it found it (${suites[0].tmpBefore} entries of ours before, ${added.length} added${added.length ? `: ${added.slice(0, 5).join(', ')}` : ''})`,
        added.length === 0,
      ],
    );
  }
  for (const [text, ok] of checks) console.log(`${ok ? 'ok  ' : 'MISS'} ${text}`);
  const reported: [string, number][] = [
    ['synth bundle / one-resource app, both bundled + code cache', synthBundle.median / oneBundled.median],
    ['synth bundle / one-resource app unbundled (not like for like)', synthBundle.median / one.median],
    ['node dist/main.js / same modules (both unbundled)', full.median / same.median],
    ['synth bundle / same modules bundled', synthBundle.median / sameBundled.median],
  ];
  for (const [text, value] of reported) console.log(`     ${text}: ${value.toFixed(2)}x (reported)`);
  const ok = checks.every(([, pass]) => pass);
  console.log(ok ? 'targets met' : 'TARGET MISSED');
  return ok ? 0 : 1;
}

process.exitCode = main();
