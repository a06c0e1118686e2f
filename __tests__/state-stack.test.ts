import { loadVariant } from './support/env-files';
import { onlyResource, synthApp, synthEnvironment } from './support/synth';

describe('state stack', () => {
  const dev = synthEnvironment('dev');
  const prod = synthEnvironment('prod');

  it('creates a versioned, private, non-destroyable state bucket', () => {
    expect(onlyResource(prod.state, 'google_storage_bucket')).toEqual(
      expect.objectContaining({
        name: 'afpi-production-tfstate',
        location: 'US',
        uniform_bucket_level_access: true,
        public_access_prevention: 'enforced',
        force_destroy: false,
        versioning: { enabled: true },
        lifecycle_rule: [
          { action: { type: 'Delete' }, condition: { num_newer_versions: 20, with_state: 'ARCHIVED' } },
        ],
      }),
    );
  });

  it('defaults the bucket location to the multi-region holding the region, and keeps one that is set', () => {
    const at = (change: Record<string, unknown>) =>
      loadVariant('staging', change, { tier: 'startup' }).loaded!.config;
    const europe = at({ region: 'europe-west4' });
    expect(europe.stateBucket.location).toBe('EU');
    expect(onlyResource(synthApp(europe).state, 'google_storage_bucket')).toEqual(
      expect.objectContaining({ location: 'EU' }),
    );
    expect(at({ region: 'asia-southeast1' }).stateBucket.location).toBe('ASIA');
    expect(at({ region: 'us-east4' }).stateBucket.location).toBe('US');
    expect(at({ region: 'europe-west4', stateBucket: { location: 'EUR4' } }).stateBucket.location).toBe(
      'EUR4',
    );
  });

  it('keeps its own state locally, outside cdktf.out', () => {
    expect(dev.state?.terraform?.backend).toEqual({
      local: { path: '../../../terraform.state.dev.tfstate' },
    });
  });

  it('labels every resource through the provider', () => {
    expect(prod.state?.provider?.google[0]).toEqual(
      expect.objectContaining({
        project: 'afpi-production',
        region: 'us-central1',
        default_labels: {
          app: 'afpi',
          env: 'prod',
          tier: 'enterprise',
          'managed-by': 'cdktf',
          'cost-center': 'afpi-prod',
        },
      }),
    );
  });
});
