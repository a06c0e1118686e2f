/**
 * Baseline for `npm run bench`: loads the provider modules the full synth loaded (list in BENCH_MODULES) and
 * synthesizes a one-resource app, so the ratio to the full synth shows what our own code costs.
 */
import * as fs from 'fs';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, TerraformStack } from 'cdktf';

// Dynamic: the list is whatever the full synth loaded; a static import cannot name it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
for (const id of JSON.parse(fs.readFileSync(process.env.BENCH_MODULES!, 'utf8')) as string[]) require(id);

const app = new App();
const stack = new TerraformStack(app, 'minimal');
new GoogleProvider(stack, 'google', { project: 'afpi-bench', region: 'us-central1' });
new StorageBucket(stack, 'bucket', { name: 'afpi-bench', location: 'US' });
app.synth();
