import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const repo = path.join(__dirname, '..');

describe('scripts/run-compiled.js (npm run synth, the cdktf.json app)', () => {
  // A project of its own: the real launcher, the real tsc and esbuild on a few small files, so a build takes ~1 s.
  const project = fs.mkdtempSync(path.join(os.tmpdir(), 'run-compiled-'));
  const typescript = path.join(project, 'node_modules', 'typescript');
  const bundle = path.join(project, 'dist', 'main.bundle.js');
  const write = (file: string, text: string) => fs.writeFileSync(path.join(project, file), text);
  const run = () =>
    spawnSync(process.execPath, ['scripts/run-compiled.js', 'dist/main.js', 'a', 'b'], {
      cwd: project,
      encoding: 'utf8',
    });

  beforeAll(() => {
    fs.mkdirSync(path.join(project, 'scripts'));
    for (const script of ['run-compiled.js', 'bundle.js'])
      fs.copyFileSync(path.join(repo, 'scripts', script), path.join(project, 'scripts', script));
    fs.mkdirSync(path.dirname(typescript));
    fs.symlinkSync(path.join(repo, 'node_modules', 'typescript'), typescript);
    fs.symlinkSync(path.join(repo, 'node_modules', 'esbuild'), path.join(project, 'node_modules', 'esbuild'));
    // The launcher loads the code cache first and keeps it out of the bundle; a stand-in marks that it ran.
    fs.mkdirSync(path.join(project, 'app'));
    write(
      'app/compile-cache.ts',
      '(globalThis as { cacheLoaded?: boolean }).cacheLoaded = true;\nexport {};\n',
    );
    write(
      'lib.d.ts',
      [
        'interface Array<T> { length: number; [n: number]: T; slice(start?: number): T[]; join(separator?: string): string }',
        'interface String { indexOf(search: string): number }',
        'interface Boolean {}',
        'interface Number {}',
        'interface Object {}',
        'interface Function {}',
        'interface CallableFunction {}',
        'interface NewableFunction {}',
        'interface IArguments {}',
        'interface RegExp {}',
      ].join('\n'),
    );
    write(
      'tsconfig.json',
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'commonjs',
          // No standard library (lib.d.ts declares what the entries use): tsc then builds in half the time.
          noLib: true,
          strict: true,
          types: [],
          rootDir: '.',
          outDir: 'dist',
          incremental: true,
          tsBuildInfoFile: 'dist/.tsbuildinfo',
        },
        include: ['*.ts', 'app/*.ts'],
      }),
    );
    write(
      'main.ts',
      "declare const console: { log(...a: unknown[]): void };\nconst n: number = 'one';\nconsole.log('ran', n);\n",
    );
  });

  it("stops on a type error with tsc's message and runs nothing", () => {
    const result = run();
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain(
      "main.ts(2,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    );
    expect(result.stdout).not.toContain('ran');
  });

  it('builds once the error is fixed and runs the entry with its arguments', () => {
    write(
      'main.ts',
      "declare const process: { argv: string[] };\ndeclare const console: { log(...a: unknown[]): void };\nconst n: number = 1;\nconsole.log('ran', n, process.argv.slice(2).join(','));\n",
    );
    const result = run();
    expect(result.stdout).toBe('ran 1 a,b\n');
    expect(result.status).toBe(0);
    expect(fs.existsSync(bundle)).toBe(true);
  });

  it('rebuilds after an edit and runs one bundle of the entry, with the code cache loaded first and kept out of it', () => {
    write(
      'main.ts',
      "import './app/compile-cache';\ndeclare const require: { main: { filename: string } };\ndeclare const console: { log(...a: unknown[]): void };\nconsole.log('bundled', (globalThis as { cacheLoaded?: boolean }).cacheLoaded, require.main.filename.indexOf('main.bundle.js') > 0);\n",
    );
    const result = run();
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('bundled true true\n');
    const text = fs.readFileSync(bundle, 'utf8');
    expect(text).toMatch(/require\("\.\/app\/compile-cache(\.js)?"\)/);
    expect(text).not.toMatch(/cacheLoaded ?= ?true/);
  });

  it('does not start tsc when no source changed', () => {
    // Without typescript installed, only a run that skips the build can succeed.
    fs.unlinkSync(typescript);
    try {
      const result = run();
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('bundled true true\n');
    } finally {
      fs.symlinkSync(path.join(repo, 'node_modules', 'typescript'), typescript);
    }
  });

  it('type-checks again when a source is added, even one nothing imports', () => {
    write('other.ts', 'export const s: string = 2;\n');
    const result = run();
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain(
      "other.ts(1,14): error TS2322: Type 'number' is not assignable to type 'string'.",
    );
    expect(result.stdout).not.toContain('ran');
  });
});

describe('app/compile-cache.ts (imported first by main.ts)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compile-cache-'));
  const moduleFile = path.join(dir, 'answer.js');
  const cacheDir = path.join(dir, 'cache');
  const load = (code = `console.log(require(${JSON.stringify(moduleFile)}).answer)`) =>
    spawnSync(
      process.execPath,
      ['-r', './__tests__/support/swc-register.js', '-e', `require('./app/compile-cache'); ${code}`],
      { cwd: repo, encoding: 'utf8', env: { ...process.env, AFPI_CODE_CACHE_DIR: cacheDir } },
    );
  /** The one pack `node -e` writes (one entry point): its header (JSON) and its data. */
  const packFile = () => {
    const packs = fs.readdirSync(cacheDir).filter((name) => name.endsWith('.pack'));
    expect(packs).toHaveLength(1);
    return path.join(cacheDir, packs[0]);
  };
  const readPack = () => {
    const bytes = fs.readFileSync(packFile());
    const headerLength = bytes.readUInt32LE(0);
    return {
      header: JSON.parse(bytes.toString('utf8', 4, 4 + headerLength)),
      data: bytes.subarray(4 + headerLength),
    };
  };
  const writeHeader = (header: unknown) => {
    const { data } = readPack();
    const json = Buffer.from(JSON.stringify(header));
    const length = Buffer.alloc(4);
    length.writeUInt32LE(json.length);
    fs.writeFileSync(
      packFile(),
      new Uint8Array(Buffer.concat([length, json, data] as unknown as Uint8Array[])),
    );
  };
  /** The pack's file mtime, and its entry for the module (what its data was made from). */
  const pack = () => ({
    writtenAt: fs.statSync(packFile()).mtimeMs,
    entry: readPack().header.modules[moduleFile],
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes V8 cached data for a module it loads and reuses it, and never runs stale code after an edit', () => {
    fs.writeFileSync(moduleFile, 'exports.answer = 41 + 1;\n');
    const first = load();
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('42\n');
    const written = pack();
    expect(written.entry).toMatchObject({
      size: 'exports.answer = 41 + 1;\n'.length,
      mtimeMs: fs.statSync(moduleFile).mtimeMs,
    });
    expect(written.entry.length).toBeGreaterThan(0);

    expect(load().stdout).toBe('42\n');
    expect(pack()).toEqual(written); // V8 took the data: nothing new to write

    // Same length, new content and mtime: the entry is not used but made again, and the new value runs.
    fs.writeFileSync(moduleFile, 'exports.answer = 42 + 1;\n');
    fs.utimesSync(moduleFile, new Date(), new Date(Date.now() + 5000));
    expect(load().stdout).toBe('43\n');
    expect(pack().entry.mtimeMs).toBe(fs.statSync(moduleFile).mtimeMs);

    // A pack cut short is not used: the run goes on without it and writes a whole one.
    fs.truncateSync(packFile(), fs.statSync(packFile()).size - 10);
    const afterDamage = load();
    expect(afterDamage.stderr).toBe('');
    expect(afterDamage.stdout).toBe('43\n');
    const { header, data } = readPack();
    const { offset, length } = header.modules[moduleFile];
    expect(offset + length).toBeLessThanOrEqual(data.length);
  });

  it('remembers where requests resolved inside node_modules, until npm or node resolve differently', () => {
    const key = `${repo}\0js-yaml`;
    const real = require.resolve('js-yaml');
    const resolved = (flags: string[] = []) =>
      spawnSync(
        process.execPath,
        [
          ...flags,
          '-r',
          './__tests__/support/swc-register.js',
          '-e',
          `require('./app/compile-cache'); console.log(require.resolve('js-yaml'))`,
        ],
        { cwd: repo, encoding: 'utf8', env: { ...process.env, AFPI_CODE_CACHE_DIR: cacheDir } },
      ).stdout;
    expect(resolved()).toBe(`${real}\n`);
    const { header } = readPack();
    expect(header.resolutions[key]).toBe(real);
    // Only results inside node_modules: the module file outside it was resolved by node every time.
    expect(Object.values(header.resolutions)).not.toContain(moduleFile);

    // A remembered answer is used without asking node: point the request elsewhere and it loads that file.
    fs.writeFileSync(moduleFile, 'exports.answer = 7;\n');
    writeHeader({ ...header, resolutions: { [key]: moduleFile } });
    expect(load("console.log(require('js-yaml').answer)").stdout).toBe('7\n');

    // A remembered file that is gone is resolved again.
    writeHeader({ ...header, resolutions: { [key]: path.join(dir, 'gone.js') } });
    expect(resolved()).toBe(`${real}\n`);
    expect(readPack().header.resolutions[key]).toBe(real);

    // Made under other installed packages (npm rewrote its record) or other node flags: ignored.
    writeHeader({ ...header, resolutionStamp: 'another install', resolutions: { [key]: moduleFile } });
    expect(resolved()).toBe(`${real}\n`);
    writeHeader({ ...readPack().header, resolutions: { [key]: moduleFile } });
    expect(resolved(['--conditions=development'])).toBe(`${real}\n`);
  });
});

describe('__tests__/support/swc-register.js (runs the TypeScript sources in the CLI tests)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swc-register-'));
  const source = path.join(dir, 'answer.ts');
  const run = () =>
    spawnSync(
      process.execPath,
      [
        '-r',
        './__tests__/support/swc-register.js',
        '-e',
        `console.log(require(${JSON.stringify(source)}).answer, Object.keys(require.cache).some((k) => /@swc\\/core\\/.*\\.js$/.test(k)))`,
      ],
      { cwd: repo, encoding: 'utf8', env: { ...process.env, AFPI_SWC_CACHE_DIR: path.join(dir, 'cache') } },
    );

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('compiles a source once, and again when it changes', () => {
    fs.writeFileSync(source, 'export const answer: number = 41 + 1;\n');
    expect(run().stdout).toBe('42 true\n'); // compiled: swc loaded
    expect(run().stdout).toBe('42 false\n'); // from the cache: swc not even loaded
    // Same length, same mtime: only the text differs.
    const { mtime } = fs.statSync(source);
    fs.writeFileSync(source, 'export const answer: number = 42 + 1;\n');
    fs.utimesSync(source, mtime, mtime);
    expect(run().stdout).toBe('43 true\n');
  });
});

describe('temp files of the test run', () => {
  it('go to the repository-local .jest-tmp, in the worker and in the processes it starts', () => {
    const local = path.join(repo, '.jest-tmp');
    expect(os.tmpdir()).toBe(local);
    const child = spawnSync(process.execPath, ['-e', "console.log(require('os').tmpdir())"], {
      encoding: 'utf8',
    });
    expect(child.stdout.trim()).toBe(local);
    // globalTeardown compares this directory's entries of ours before and after the run.
    expect(process.env.AFPI_SYSTEM_TMPDIR).toBeTruthy();
    expect(process.env.AFPI_SYSTEM_TMPDIR).not.toBe(local);
  });
});

describe('data modules (config, catalogs, cost, inference, observability, policy rules and findings)', () => {
  it('load without cdktf, constructs or a provider class, so a config error or a test file reading them stays fast', () => {
    const dirs = [
      'config',
      'config/sections',
      'catalog',
      'cost',
      'inference',
      'observability',
      'policy',
      'policy/rules',
    ];
    const files = dirs
      .flatMap((dir) =>
        fs
          .readdirSync(path.join(repo, dir))
          .filter((f) => f.endsWith('.ts'))
          .map((f) => `./${dir}/${f}`),
      )
      // The pack is an Aspect over the construct tree.
      .filter((file) => file !== './policy/policy-pack.ts');
    const script = `for (const f of ${JSON.stringify(files)}) require(f);
console.log(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules\\/(cdktf|@cdktf|constructs)\\//.test(k))));`;
    const child = spawnSync(process.execPath, ['-r', './__tests__/support/swc-register.js', '-e', script], {
      cwd: repo,
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    expect(files.length).toBeGreaterThan(40);
    expect(JSON.parse(child.stdout)).toEqual([]);
  });
});
