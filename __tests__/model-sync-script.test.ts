import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { MODEL_SYNC_CHART_DIR } from '../inference/model-sync';

// charts/model-sync/files/sync.py against a stand-in huggingface_hub (the Hub is not reachable here): a local
// directory plays the bucket mounted by GCS FUSE. What it proves: copy, skip by size, marker last, re-sync, a
// re-copied file written as a new object (GCS FUSE stages an overwritten object whole on the pod's disk), and the
// largest-file budget enforced before any download.

const SCRIPT = path.join(MODEL_SYNC_CHART_DIR, 'files', 'sync.py');

/** A huggingface_hub module serving `files` (name -> content) at commit `sha`, logging each download. */
function fakeHub(dir: string, files: Record<string, string>, sha: string): void {
  fs.mkdirSync(path.join(dir, 'huggingface_hub'), { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'huggingface_hub', '__init__.py'),
    `
import os, types
FILES = ${JSON.stringify(files)}
SHA = ${JSON.stringify(sha)}
class HfApi:
    def model_info(self, repo, revision=None, files_metadata=False):
        assert files_metadata
        return types.SimpleNamespace(sha=SHA, siblings=[types.SimpleNamespace(rfilename=n, size=len(c.encode())) for n, c in FILES.items()])
def hf_hub_download(repo, name, revision=None, local_dir=None):
    assert revision == SHA
    with open(os.environ["DOWNLOAD_LOG"], "a") as log:
        log.write(name + "\\n")
    path = os.path.join(local_dir, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(FILES[name])
    return path
`,
  );
}

describe('model-sync script (charts/model-sync/files/sync.py)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'model-sync-'));
  const models = path.join(root, 'bucket');
  const log = path.join(root, 'downloads.log');
  const target = path.join(models, 'org', 'M');
  const marker = path.join(target, '.afpi-complete');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  function run(files: Record<string, string>, sha: string, maxFileBytes = 1000) {
    const hub = path.join(root, `hub-${sha}`);
    fakeHub(hub, files, sha);
    fs.rmSync(log, { force: true });
    const r = spawnSync('python3', [SCRIPT], {
      encoding: 'utf8',
      env: {
        PATH: process.env.PATH,
        PYTHONPATH: hub,
        PYTHONDONTWRITEBYTECODE: '1',
        MODEL_ID: 'org/M',
        REVISION: 'main',
        MODELS_DIR: models,
        MARKER: '.afpi-complete',
        SCRATCH_DIR: path.join(root, 'scratch'),
        MAX_FILE_BYTES: String(maxFileBytes),
        DOWNLOAD_LOG: log,
      },
    });
    const downloads = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').trim().split('\n') : [];
    return { status: r.status, output: `${r.stdout}${r.stderr}`, downloads };
  }

  const v1 = {
    'config.json': '{}',
    'model-00001-of-00002.safetensors': 'aaaa',
    'model-00002-of-00002.safetensors': 'bb',
    'pytorch_model.bin': 'pickled',
    '.gitattributes': '*',
  };

  it('copies the safetensors checkpoint (not the pickled copy or dotfiles) and writes the marker last', () => {
    const r = run(v1, 'c0ffee');
    expect(r.status).toBe(0);
    expect(r.downloads.sort()).toEqual([
      'config.json',
      'model-00001-of-00002.safetensors',
      'model-00002-of-00002.safetensors',
    ]);
    expect(fs.readFileSync(path.join(target, 'model-00001-of-00002.safetensors'), 'utf8')).toBe('aaaa');
    expect(fs.existsSync(path.join(target, 'pytorch_model.bin'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(marker, 'utf8'))).toEqual({
      repository: 'org/M',
      revision: 'c0ffee',
      files: ['config.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'],
    });
    // Nothing left in the scratch volume.
    expect(fs.readdirSync(path.join(root, 'scratch')).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('downloads nothing when every file is present with its size and the marker names the commit', () => {
    const r = run(v1, 'c0ffee');
    expect(r.status).toBe(0);
    expect(r.downloads).toEqual([]);
    expect(r.output).toContain('nothing to do');
  });

  it('re-copies only the files whose size differs, after removing the marker (a new revision)', () => {
    // A torn upload: one shard shorter than the Hub lists.
    fs.writeFileSync(path.join(target, 'model-00002-of-00002.safetensors'), 'b');
    const r = run({ ...v1, 'config.json': '{"v":2}' }, 'beef01');
    expect(r.status).toBe(0);
    expect(r.downloads.sort()).toEqual(['config.json', 'model-00002-of-00002.safetensors']);
    expect(JSON.parse(fs.readFileSync(marker, 'utf8')).revision).toBe('beef01');
  });

  it('writes a re-copied file as a new object (deletes the old one first), never over it in place', () => {
    const shard = path.join(target, 'model-00001-of-00002.safetensors');
    fs.writeFileSync(shard, 'a');
    // A second name for the old file: an in-place overwrite would change what it reads, a new object does not.
    const old = path.join(root, 'old-shard');
    fs.linkSync(shard, old);
    const r = run({ ...v1, 'config.json': '{"v":2}' }, 'beef01');
    expect(r.status).toBe(0);
    expect(r.downloads).toEqual(['model-00001-of-00002.safetensors']);
    expect(fs.readFileSync(shard, 'utf8')).toBe('aaaa');
    expect(fs.readFileSync(old, 'utf8')).toBe('a');
    expect(fs.statSync(shard).ino).not.toBe(fs.statSync(old).ino);
  });

  it('refuses a file above MAX_FILE_BYTES before downloading anything, naming it and the fix', () => {
    const r = run(
      { ...v1, 'config.json': '{"v":3}', 'model-00001-of-00002.safetensors': 'aaaaa' },
      'beef03',
      4,
    );
    expect(r.status).toBe(1);
    expect(r.downloads).toEqual([]);
    expect(r.output).toContain('model-00001-of-00002.safetensors (5 bytes) larger than MAX_FILE_BYTES=4');
    expect(r.output).toContain('MAX_CHECKPOINT_FILE_GB in catalog/models.ts');
    // Nothing touched: the previous revision stays complete.
    expect(JSON.parse(fs.readFileSync(marker, 'utf8')).revision).toBe('beef01');
  });

  it('leaves no marker when a copy fails', () => {
    const hubFiles = { ...v1, 'model-00003-of-00003.safetensors': 'ccc' };
    // The scratch path is a file: the download cannot be written, the script fails before the marker.
    fs.rmSync(path.join(root, 'scratch'), { recursive: true, force: true });
    fs.writeFileSync(path.join(root, 'scratch'), 'not a directory');
    const r = run(hubFiles, 'dead02');
    expect(r.status).not.toBe(0);
    expect(fs.existsSync(marker)).toBe(false);
  });
});
