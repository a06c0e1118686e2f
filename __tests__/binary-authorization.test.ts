import { imagePattern } from '../constructs/binary-authorization-policy';
import { onlyResource, resourcesOf, synthApp, synthEnvironment } from './support/synth';
import { loadVariant, problemsOf } from './support/env-files';

const POLICY = 'google_binary_authorization_policy';

describe('Binary Authorization policy (data stack)', () => {
  it('denies by default and enforces in prod, with Google global evaluation for GKE system images', () => {
    const policy = onlyResource(synthEnvironment('prod').data, POLICY);
    expect(policy).toEqual(
      expect.objectContaining({
        global_policy_evaluation_mode: 'ENABLE',
        default_admission_rule: {
          evaluation_mode: 'ALWAYS_DENY',
          enforcement_mode: 'ENFORCED_BLOCK_AND_AUDIT_LOG',
        },
      }),
    );
  });

  it('runs dry-run (audit log only) in dev, still not ALWAYS_ALLOW', () => {
    const policy = onlyResource(synthEnvironment('dev').data, POLICY);
    expect(policy.default_admission_rule).toEqual({
      evaluation_mode: 'ALWAYS_DENY',
      enforcement_mode: 'DRYRUN_AUDIT_LOG_ONLY',
    });
  });

  it('admits our repository whole and each pinned engine image through its mirror, not the mirrors whole', () => {
    const patterns = (
      onlyResource(synthEnvironment('dev').data, POLICY).admission_whitelist_patterns as {
        name_pattern: string;
      }[]
    ).map((p) => p.name_pattern);
    expect(patterns).toEqual([
      'us-central1-docker.pkg.dev/afpi-dev/afpi/**',
      'us-central1-docker.pkg.dev/afpi-dev/docker-hub/vllm/vllm-openai:*',
      'us-central1-docker.pkg.dev/afpi-dev/ghcr/huggingface/text-generation-inference:*',
      'us-central1-docker.pkg.dev/afpi-dev/docker-hub/lmcache/lmstack-router:*',
    ]);
    expect(patterns.some((p) => /docker-hub\/\*\*$|ghcr\/\*\*$/.test(p))).toBe(false);
  });

  it('admits the vLLM image for the model-sync Jobs when only TGI serves (issue 18)', () => {
    const patterns = (tgiOnly: object) => {
      const { loaded } = loadVariant('dev', { inference: tgiOnly });
      return (
        onlyResource(synthApp(loaded!.config).data, POLICY).admission_whitelist_patterns as {
          name_pattern: string;
        }[]
      ).map((p) => p.name_pattern);
    };
    const vllm = 'us-central1-docker.pkg.dev/afpi-dev/docker-hub/vllm/vllm-openai:*';
    expect(patterns({ engines: ['tgi'] })).toContain(vllm);
    // Downloading into a PVC, the engine pods fetch the weights themselves: no model-sync image.
    expect(patterns({ engines: ['tgi'], modelCache: 'pvc' })).not.toContain(vllm);
  });

  it('keeps the images of a DR tier in the multi-region and adds config patterns and the metrics adapter', () => {
    const { loaded } = loadVariant('prod', {
      inference: { autoscaling: { metric: 'queue-depth' } },
      security: { binaryAuthorization: { allowlist: ['europe-docker.pkg.dev/shared-images/base/**'] } },
    });
    const patterns = (
      onlyResource(synthApp(loaded!.config).data, POLICY).admission_whitelist_patterns as {
        name_pattern: string;
      }[]
    ).map((p) => p.name_pattern);
    expect(patterns[0]).toBe('us-docker.pkg.dev/afpi-production/afpi/**');
    expect(patterns).toEqual(
      expect.arrayContaining([
        'gcr.io/gke-release/custom-metrics-stackdriver-adapter:*',
        'europe-docker.pkg.dev/shared-images/base/**',
      ]),
    );
  });

  it('exists in a tier without GKE, for the Cloud Run services', () => {
    const app = synthEnvironment('prod', 'startup');
    const patterns = (
      onlyResource(app.data, POLICY).admission_whitelist_patterns as { name_pattern: string }[]
    ).map((p) => p.name_pattern);
    // Startup keeps no DR region: the repository sits beside the services; no engines, no mirrors.
    expect(patterns).toEqual(['us-central1-docker.pkg.dev/afpi-production/afpi/**']);
  });

  it('makes every Cloud Run service use the project policy', () => {
    const services = resourcesOf(synthEnvironment('prod')['cloud-run'], 'google_cloud_run_v2_service');
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) expect(service.binary_authorization).toEqual({ use_default: true });
  });

  it('patterns a pinned image at any tag or digest of its repository', () => {
    expect(imagePattern('ghcr.io/org/app:1.2')).toBe('ghcr.io/org/app:*');
    expect(imagePattern(`host:5000/app@sha256:${'a'.repeat(64)}`)).toBe('host:5000/app@*');
  });

  it('refuses a mode it does not know and an allowlist entry that is no image pattern', () => {
    expect(
      problemsOf('dev', { security: { binaryAuthorization: { mode: 'audit', allowlist: ['*/**'] } } }),
    ).toEqual([
      expect.stringMatching(
        /^config\/environments\/dev\.yaml: security\.binaryAuthorization\.mode \("audit"\) .*enforce.*dry-run/,
      ),
      'config/environments/dev.yaml: security.binaryAuthorization.allowlist.0 ("*/**") is not an image name pattern. Fix: write "registry/path/to/image", optionally ending in "*" (one segment) or "**" (subpaths)',
    ]);
  });
});
