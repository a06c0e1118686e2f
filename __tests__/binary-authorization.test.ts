import { loadEnvironment } from '../config/load';
import { ATTESTATION_OFF } from '../config/sections/security';
import { imagePattern } from '../catalog/registries';
import { attestedImages } from '../stacks/admitted-images';
import { onlyResource, resourcesOf, synthApp, synthEnvironment } from './support/synth';
import { loadVariant, problemsOf } from './support/env-files';

const POLICY = 'google_binary_authorization_policy';

describe('Binary Authorization policy (data stack)', () => {
  it('denies by default and enforces in prod, with Google global evaluation for GKE system images', () => {
    const { loaded } = loadVariant('prod', { security: { binaryAuthorization: { attestation: false } } });
    const policy = onlyResource(synthApp(loaded!.config).data, POLICY);
    expect(policy).toEqual(
      expect.objectContaining({
        global_policy_evaluation_mode: 'ENABLE',
        default_admission_rule: {
          evaluation_mode: 'ALWAYS_DENY',
          enforcement_mode: 'ENFORCED_BLOCK_AND_AUDIT_LOG',
        },
      }),
    );
    expect(onlyResource(synthEnvironment('prod').data, POLICY).default_admission_rule).toEqual(
      expect.objectContaining({
        evaluation_mode: 'REQUIRE_ATTESTATION',
        enforcement_mode: 'ENFORCED_BLOCK_AND_AUDIT_LOG',
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
      security: {
        binaryAuthorization: {
          attestation: false,
          allowlist: ['europe-docker.pkg.dev/shared-images/base/**'],
        },
      },
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
    // Startup keeps no DR region; no engines, no mirrors; prod attests our images: nothing left to list.
    expect(patterns).toEqual([]);
    expect(onlyResource(app.data, POLICY).default_admission_rule).toEqual(
      expect.objectContaining({ evaluation_mode: 'REQUIRE_ATTESTATION' }),
    );
  });

  describe('attestation (staging and prod)', () => {
    const data = synthEnvironment('prod').data;
    const attestor = onlyResource(data, 'google_binary_authorization_attestor');
    const note = onlyResource(data, 'google_container_analysis_note');
    const key = resourcesOf(data, 'google_kms_crypto_key').find((k) => k.purpose === 'ASYMMETRIC_SIGN')!;
    const version = Object.entries(data!.data!.google_kms_crypto_key_version);

    it('requires the attestor in the default rule (Cloud Run reads only that one) and drops our repository from the allowlist', () => {
      const policy = onlyResource(data, POLICY);
      expect(policy.default_admission_rule).toEqual({
        evaluation_mode: 'REQUIRE_ATTESTATION',
        enforcement_mode: 'ENFORCED_BLOCK_AND_AUDIT_LOG',
        require_attestations_by: ['projects/afpi-production/attestors/afpi-ci'],
      });
      // Named, not referenced (a set holding an unknown value plans as empty): created after the attestor.
      expect(policy.depends_on).toEqual(
        expect.arrayContaining([expect.stringMatching(/^google_binary_authorization_attestor\./)]),
      );
      expect(policy.cluster_admission_rules).toBeUndefined();
      const patterns = (policy.admission_whitelist_patterns as { name_pattern: string }[]).map(
        (p) => p.name_pattern,
      );
      expect(patterns.length).toBeGreaterThan(0);
      expect(patterns.some((p) => p.includes('/afpi-production/afpi/'))).toBe(false);
    });

    it('signs with an HSM EC P-256 key whose public key the attestor holds, linked to its note', () => {
      expect(key).toEqual(
        expect.objectContaining({
          name: 'afpi-ci-attestor',
          purpose: 'ASYMMETRIC_SIGN',
          version_template: { algorithm: 'EC_SIGN_P256_SHA256', protection_level: 'HSM' },
          lifecycle: { prevent_destroy: true },
        }),
      );
      expect(key.rotation_period).toBeUndefined();
      expect(note).toEqual(
        expect.objectContaining({
          name: 'afpi-ci-attestations',
          attestation_authority: { hint: { human_readable_name: 'afpi-ci' } },
        }),
      );
      expect(version).toHaveLength(1);
      const [versionId, versionAttrs] = version[0];
      expect(versionAttrs).toEqual(
        expect.objectContaining({
          crypto_key: expect.stringMatching(/^\$\{google_kms_crypto_key\.\S+\.id\}$/),
          version: 1,
        }),
      );
      expect(attestor).toEqual(
        expect.objectContaining({
          project: 'afpi-production',
          name: 'afpi-ci',
          attestation_authority_note: {
            note_reference: expect.stringMatching(/^\$\{google_container_analysis_note\.\S+\.name\}$/),
            public_keys: [
              {
                id: `\${data.google_kms_crypto_key_version.${versionId}.id}`,
                pkix_public_key: {
                  public_key_pem: `\${data.google_kms_crypto_key_version.${versionId}.public_key[0].pem}`,
                  signature_algorithm: `\${data.google_kms_crypto_key_version.${versionId}.public_key[0].algorithm}`,
                },
              },
            ],
          },
        }),
      );
      expect(data!.output).toEqual(
        expect.objectContaining({
          attestor: { value: expect.stringContaining('google_binary_authorization_attestor.') },
          attestation_key_version: { value: `\${data.google_kms_crypto_key_version.${versionId}.name}` },
        }),
      );
    });

    it('lets the deployer sign (key, note, attestor) and the planner read what refresh reads', () => {
      const deployer = 'serviceAccount:afpi-deployer@afpi-production.iam.gserviceaccount.com';
      const planner = 'serviceAccount:afpi-planner@afpi-production.iam.gserviceaccount.com';
      const grants = [
        ...resourcesOf(data, 'google_kms_crypto_key_iam_member'),
        ...resourcesOf(data, 'google_container_analysis_note_iam_member'),
        ...resourcesOf(data, 'google_binary_authorization_attestor_iam_member'),
      ]
        .filter((g) => g.member === deployer || g.member === planner)
        .map((g) => `${g.member === deployer ? 'deployer' : 'planner'} ${g.role}`);
      expect(grants.sort()).toEqual([
        'deployer roles/binaryauthorization.attestorsViewer',
        'deployer roles/cloudkms.signerVerifier',
        'deployer roles/containeranalysis.notes.attacher',
        // `attestations list --attestor` (the "already attested" check) lists the note's occurrences.
        'deployer roles/containeranalysis.notes.occurrences.viewer',
        'planner roles/binaryauthorization.attestorsViewer',
        'planner roles/cloudkms.publicKeyViewer',
      ]);
      const signer = resourcesOf(data, 'google_kms_crypto_key_iam_member').find(
        (g) => g.role === 'roles/cloudkms.signerVerifier',
      )!;
      expect(signer.crypto_key_id).toMatch(/^\$\{google_kms_crypto_key\.image-attestor_key_\S+\.id\}$/);
    });

    it('enables Container Analysis and lists the release images the workflow signs', () => {
      expect(resourcesOf(data, 'google_project_service').map((s) => s.service)).toContain(
        'containeranalysis.googleapis.com',
      );
      expect(attestedImages(loadEnvironment('prod').config)).toEqual([
        'us-docker.pkg.dev/afpi-production/afpi/frontend:0.1.0',
        'us-docker.pkg.dev/afpi-production/afpi/backend:0.1.0',
      ]);
    });

    it('is off in dev (synth says how to turn it on): no attestor, ALWAYS_DENY, our repository allowlisted', () => {
      const dev = synthEnvironment('dev').data;
      expect(resourcesOf(dev, 'google_binary_authorization_attestor')).toEqual([]);
      expect(resourcesOf(dev, 'google_container_analysis_note')).toEqual([]);
      expect(loadEnvironment('dev').notes).toContain(ATTESTATION_OFF);
      expect(loadEnvironment('prod').notes).not.toContain(ATTESTATION_OFF);
      expect(attestedImages(loadEnvironment('dev').config)).toEqual([]);
    });
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
      'config/environments/dev.yaml: security.binaryAuthorization.allowlist.0 ("*/**") admits every image. Fix: name the image repository, e.g. "<registry>/<path>/<image>:*" (an image at any tag)',
    ]);
  });

  it('refuses, while attestation is on, an allowlist entry or a service image that admits our repository', () => {
    const own = 'us-docker.pkg.dev/afpi-production/afpi';
    const problems = problemsOf('prod', {
      security: {
        binaryAuthorization: { allowlist: [`${own}/frontend:*`, `${own}/**`, 'ghcr.io/org/app:*'] },
      },
      cloudRun: { backend: { image: `${own}/backend:0.1.0` } },
    });
    expect(problems).toEqual([
      `config/environments/prod.yaml: security.binaryAuthorization.allowlist.0 ("${own}/frontend:*") admits images of our repository ${own} without an attestation while security.binaryAuthorization.attestation is on: it bypasses the attestation. Fix: remove the entry (the deploy workflow attests our release images), or set attestation: false (docs/runbooks/binary-authorization.md)`,
      expect.stringMatching(
        /allowlist\.1 .*admits images of our repository .* it bypasses the attestation\. Fix: remove the entry/,
      ),
      `config/environments/prod.yaml: cloudRun.backend.image ("${own}/backend:0.1.0") names our repository by host, which allowlists it without an attestation while security.binaryAuthorization.attestation is on. Fix: write it as a path in our repository ("backend:0.1.0"), which the deploy workflow attests`,
    ]);
    // Another project's repository, and our repository while attestation is off (dev), stay accepted.
    expect(
      loadVariant('prod', {
        security: { binaryAuthorization: { allowlist: ['us-docker.pkg.dev/other-project/afpi/frontend:*'] } },
      }).problems,
    ).toBeUndefined();
    expect(
      loadVariant('dev', {
        security: {
          binaryAuthorization: { allowlist: ['us-central1-docker.pkg.dev/afpi-dev/afpi/frontend:*'] },
        },
      }).problems,
    ).toBeUndefined();
  });

  it('refuses allowlist patterns that admit a whole registry, project or mirror, with the fix', () => {
    const wide = [
      '*',
      '**',
      'gcr.io/**',
      'docker.io/*',
      'ghcr.io/g*',
      'us-central1-docker.pkg.dev/afpi-dev/**',
      'us-central1-docker.pkg.dev/afpi-dev/docker-hub/**',
      'us-docker.pkg.dev/afpi-dev/ghcr/*',
    ];
    const problems = problemsOf('dev', { security: { binaryAuthorization: { allowlist: wide } } });
    expect(problems).toEqual([
      'config/environments/dev.yaml: security.binaryAuthorization.allowlist.0 ("*") admits every image. Fix: name the image repository, e.g. "<registry>/<path>/<image>:*" (an image at any tag)',
      expect.stringMatching(/allowlist\.1 \("\*\*"\) admits every image\. Fix: name the image repository/),
      expect.stringMatching(/allowlist\.2 \("gcr\.io\/\*\*"\) admits the whole registry gcr\.io\. Fix:/),
      expect.stringMatching(/allowlist\.3 \("docker\.io\/\*"\) admits the whole registry docker\.io\. Fix:/),
      expect.stringMatching(/allowlist\.4 \("ghcr\.io\/g\*"\) admits the whole registry ghcr\.io\. Fix:/),
      expect.stringMatching(/allowlist\.5 .* admits every repository of project afpi-dev\. Fix:/),
      expect.stringMatching(
        /allowlist\.6 .* admits all of the registry mirror docker-hub \(it pulls any public image\)\. Fix:/,
      ),
      expect.stringMatching(/allowlist\.7 .* admits all of the registry mirror ghcr .*Fix:/),
    ]);
    // Repositories and images are fine, through the mirrors too.
    expect(
      loadVariant('dev', {
        security: {
          binaryAuthorization: {
            allowlist: [
              'us-central1-docker.pkg.dev/afpi-dev/docker-hub/vllm/**',
              'gcr.io/gke-release/custom-metrics-stackdriver-adapter:*',
              'docker.io/library/busybox:*',
              'europe-docker.pkg.dev/shared-images/base/**',
            ],
          },
        },
      }).problems,
    ).toBeUndefined();
  });
});
