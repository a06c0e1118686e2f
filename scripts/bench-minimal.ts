/**
 * Baselines for `npm run bench`: a one-resource app (google provider + one bucket, deep imports) and, when
 * BENCH_MODULES names a list, the same app loading every provider module the full synth loaded, so the ratios to
 * the full synth show what module loading and our own code cost.
 */
import * as fs from 'fs';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformStack } from 'cdktf';

// Dynamic: the list is whatever the full synth loaded; a static import cannot name it.
const modules = process.env.BENCH_MODULES;
// eslint-disable-next-line @typescript-eslint/no-require-imports
if (modules) for (const id of JSON.parse(fs.readFileSync(modules, 'utf8')) as string[]) require(id);

const app = new App();
const stack = new TerraformStack(app, 'minimal');
new GoogleProvider(stack, 'google', { project: 'afpi-bench', region: 'us-central1' });
new StorageBucket(stack, 'bucket', { name: 'afpi-bench', location: 'US' });
app.synth();
