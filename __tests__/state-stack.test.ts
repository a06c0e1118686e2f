import { loadEnvironment } from '../config/load';
import { CI_TRUST_OFF, STATE_ADMINS_EMPTY } from '../config/sections/ci';
import { loadVariant, problemsOf } from './support/env-files';
import { onlyResource, resourcesOf, synthApp, synthEnvironment } from './support/synth';

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

  it('encrypts state with its own CMEK key, usable by the GCS service agent only', () => {
    const bucket = onlyResource(prod.state, 'google_storage_bucket');
    expect(bucket.encryption).toEqual({
      default_kms_key_name: expect.stringMatching(
        /^\$\{google_kms_crypto_key\.keys_tfstate_key_[A-F0-9]+\.id\}$/,
      ),
    });
    expect(onlyResource(prod.state, 'google_kms_key_ring')).toEqual(
      expect.objectContaining({ name: 'afpi-state', location: 'us' }),
    );
    expect(onlyResource(prod.state, 'google_kms_crypto_key')).toEqual(
      expect.objectContaining({ rotation_period: '7776000s' }),
    );
    expect(onlyResource(prod.state, 'google_kms_crypto_key_iam_member')).toEqual(
      expect.objectContaining({
        role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
        member: expect.stringMatching(/^serviceAccount:\$\{data\.google_storage_project_service_account\./),
      }),
    );
    expect(bucket.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^google_kms_crypto_key_iam_member\./)]),
    );
  });

  it('admits only the deployer (read/write), the planner (read) and named admins to state objects', () => {
    const policy = onlyResource(prod.state, 'google_storage_bucket_iam_policy');
    expect(JSON.parse(policy.policy_data as string)).toEqual({
      bindings: [
        {
          role: 'roles/storage.objectAdmin',
          members: ['serviceAccount:afpi-deployer@afpi-production.iam.gserviceaccount.com'],
        },
        {
          role: 'roles/storage.objectViewer',
          members: ['serviceAccount:afpi-planner@afpi-production.iam.gserviceaccount.com'],
        },
      ],
    });
    const { loaded } = loadVariant('prod', {
      stateBucket: { adminMembers: ['group:platform-admins@afpip.com'] },
    });
    const withAdmins = onlyResource(synthApp(loaded!.config).state, 'google_storage_bucket_iam_policy');
    expect(JSON.parse(withAdmins.policy_data as string).bindings[0].members).toEqual([
      'group:platform-admins@afpip.com',
      'serviceAccount:afpi-deployer@afpi-production.iam.gserviceaccount.com',
    ]);
    // Without admins, humans lose state access when the policy replaces the default: synth says so.
    expect(loaded!.notes).not.toContain(STATE_ADMINS_EMPTY);
    expect(loadEnvironment('prod').notes).toContain(STATE_ADMINS_EMPTY);
    expect(STATE_ADMINS_EMPTY).toMatch(/stateBucket\.adminMembers .*Fix: set stateBucket\.adminMembers/);
  });

  it('gives the planner read-only project roles and the deployer no primitive role', () => {
    const roles = (account: string) =>
      resourcesOf(prod.state, 'google_project_iam_member')
        .filter((m) => String(m.member).includes(`${account}_account_`))
        .map((m) => String(m.role));
    const planner = roles('planner').filter((role) => role.startsWith('roles/'));
    expect(planner).toContain('roles/iam.securityReviewer');
    for (const role of planner)
      expect(role).toMatch(
        /\.(viewer|reader|securityReviewer|serviceAccountViewer|bucketViewer|serviceUsageViewer|policyViewer)$/,
      );
    expect(roles('deployer')).toContain('roles/run.admin');
    // No project-wide actAs or token minting: the stacks grant actAs on each account the deployer attaches.
    expect(roles('deployer')).toContain('roles/iam.serviceAccountAdmin');
    expect(roles('deployer')).not.toContain('roles/iam.serviceAccountUser');
    expect(roles('deployer')).not.toContain('roles/iam.serviceAccountTokenCreator');
    expect([...planner, ...roles('deployer')]).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^roles\/(owner|editor|viewer)$/)]),
    );
  });

  it('gives the planner the reads a refresh needs beyond viewer roles, as one custom role', () => {
    // google_redis_instance with AUTH reads the AUTH string on refresh (redis.viewer lacks the permission).
    expect(onlyResource(prod.state, 'google_project_iam_custom_role')).toEqual(
      expect.objectContaining({
        role_id: 'afpiPlannerRefresh',
        permissions: ['redis.instances.getAuthString'],
      }),
    );
    const custom = resourcesOf(prod.state, 'google_project_iam_member').filter((m) =>
      String(m.role).startsWith('${google_project_iam_custom_role.'),
    );
    expect(custom).toEqual([
      expect.objectContaining({
        role: expect.stringMatching(/^\$\{google_project_iam_custom_role\.planner-refresh\.name\}$/),
        member: expect.stringMatching(/planner_account_/),
      }),
    ]);
  });

  it('says CI trust is off while no repository is configured, and makes no pool', () => {
    expect(loadEnvironment('prod').notes).toContain(CI_TRUST_OFF);
    expect(resourcesOf(prod.state, 'google_iam_workload_identity_pool_provider')).toEqual([]);
  });

  describe('with a GitHub repository configured', () => {
    const { loaded } = loadVariant('prod', {
      ci: { github: { repository: 'afpi/afpi-infra', repositoryId: '123456789' } },
    });
    const state = synthApp(loaded!.config).state;

    it('trusts tokens of that repository id only', () => {
      expect(loaded!.notes).not.toContain(CI_TRUST_OFF);
      expect(onlyResource(state, 'google_iam_workload_identity_pool_provider')).toEqual(
        expect.objectContaining({
          workload_identity_pool_provider_id: 'github',
          oidc: { issuer_uri: 'https://token.actions.githubusercontent.com' },
          attribute_condition: "assertion.repository_id == '123456789'",
          attribute_mapping: expect.objectContaining({
            'attribute.repository_id': 'assertion.repository_id',
            'attribute.job_workflow_ref': 'assertion.job_workflow_ref',
            // The planner's attribute: only pull_request runs carry their target branch.
            'attribute.pr_base_ref': "assertion.event_name == 'pull_request' ? assertion.base_ref : 'none'",
            // The deployer's: job_workflow_ref names the called workflow's ref only; the caller's ref (a PR's
            // workflow can call deploy-env.yml@main), its event and the repository are checked together.
            'attribute.deploy_workflow_ref':
              "assertion.repository_id == '123456789' && assertion.ref == 'refs/heads/main'" +
              " && assertion.event_name in ['push', 'workflow_dispatch'] ? assertion.job_workflow_ref : 'none'",
          }),
        }),
      );
    });

    it('lets only the deploy workflow called from main act as the deployer; pull requests into main as the planner', () => {
      const bindings = resourcesOf(state, 'google_service_account_iam_member');
      const pool =
        /^principalSet:\/\/iam\.googleapis\.com\/\$\{google_iam_workload_identity_pool\.github_pool_[A-F0-9]+\.name\}\//;
      const of = (who: string) =>
        bindings.find((b) => String(b.service_account_id).includes(`${who}_account_`));
      expect(of('deployer')).toEqual(
        expect.objectContaining({
          role: 'roles/iam.workloadIdentityUser',
          member: expect.stringMatching(pool),
        }),
      );
      // The derived attribute (checked above), never the bare job_workflow_ref or repository_id.
      expect(String(of('deployer')!.member)).toMatch(
        /\}\/attribute\.deploy_workflow_ref\/afpi\/afpi-infra\/\.github\/workflows\/deploy-env\.yml@refs\/heads\/main$/,
      );
      expect(String(of('planner')!.member)).toMatch(/\}\/attribute\.pr_base_ref\/main$/);
      expect(bindings).toHaveLength(2);
    });
  });

  it('refuses a repository name as repository id, naming the field and the fix', () => {
    expect(
      problemsOf('prod', { ci: { github: { repository: 'afpi/afpi-infra', repositoryId: 'afpi-infra' } } }),
    ).toEqual([
      'config/environments/prod.yaml: ci.github.repositoryId ("afpi-infra") is not a numeric repository id. Fix: quote the number that `gh api repos/<owner>/<name> --jq .id` prints, e.g. "123456789"',
    ]);
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
