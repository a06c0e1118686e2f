import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesize } from '../app/synthesize';
import { loadEnvironment } from '../config/load';
import { PolicyError } from '../policy/findings';

// A stand-in app: two stacks, each breaking one rule (or, with AFPI_TEST_COMPLIANT, suppressing it).
jest.mock('../app/build-app', () => ({
  buildApp: (app: import('cdktf').App, config: import('../config/schema').EnvironmentConfig) => {
    const { TerraformStack } = jest.requireActual('cdktf');
    const { GoogleProvider } = jest.requireActual('@cdktf/provider-google/lib/provider');
    const { StorageBucket } = jest.requireActual('@cdktf/provider-google/lib/storage-bucket');
    const { PolicyPack } = jest.requireActual('../policy/policy-pack');
    const { suppress } = jest.requireActual('../policy/suppressions');
    for (const id of ['models', 'cache']) {
      const stack = new TerraformStack(app, id);
      new GoogleProvider(stack, 'google', { project: 'p' });
      const bucket = new StorageBucket(stack, 'bucket', {
        name: `afpi-${id}`,
        location: 'US',
        uniformBucketLevelAccess: true,
        publicAccessPrevention: 'enforced',
        versioning: { enabled: true },
        forceDestroy: true,
      });
      if (process.env.AFPI_TEST_COMPLIANT) {
        suppress(bucket, [{ id: 'AFPI-GCS-4', reason: 'Throwaway test bucket, emptied on every destroy.' }]);
      }
    }
    PolicyPack.applyTo(app, new PolicyPack(config));
  },
}));

describe('synthesize with the policy pack', () => {
  const { config } = loadEnvironment('prod');
  let outdir: string;

  beforeEach(() => {
    outdir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'policy-synth-')), 'cdktf.out');
    delete process.env.AFPI_TEST_COMPLIANT;
  });

  it('fails listing the violations of every stack and writes nothing', () => {
    expect(() => synthesize(config, outdir)).toThrow(PolicyError);
    try {
      synthesize(config, outdir);
    } catch (err) {
      expect((err as PolicyError).lines).toEqual([
        expect.stringMatching(/^models\/bucket: AFPI-GCS-4: Bucket has force_destroy on/),
        expect.stringMatching(/^cache\/bucket: AFPI-GCS-4: Bucket has force_destroy on/),
      ]);
    }
    expect(fs.readdirSync(path.dirname(outdir))).toEqual([]);
  });

  it('reports the suppressions of each stack in the summary', () => {
    process.env.AFPI_TEST_COMPLIANT = '1';
    const stacks = synthesize(config, outdir);
    const summary = stacks.map((s) => [
      s.id,
      s.policy?.checksPassed,
      s.policy?.suppressed.map((f) => f.path),
    ]);
    expect(summary).toHaveLength(2);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['models', 3, ['models/bucket']],
        ['cache', 3, ['cache/bucket']],
      ]),
    );
  });
});
