// cdktf's Testing.app() and our synth helper write into os.tmpdir(); point it at a folder jest owns and
// removes in globalTeardown, so no cdktf.outdir.* folders pile up in the system temp dir.
import * as fs from 'fs';
import * as path from 'path';

const dir = path.join(__dirname, '..', '..', '.jest-tmp', `worker-${process.env.JEST_WORKER_ID ?? '0'}`);
fs.mkdirSync(dir, { recursive: true });
process.env.TMPDIR = dir;
