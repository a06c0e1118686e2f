import { loadEnvironment } from '../config/load';
import { PERIMETER_RESTRICTED_SERVICES, VPC_SC_OFF } from '../config/sections/security';
import { PERIMETER_VIOLATIONS_FILTER } from '../observability/log-metrics';
import { CI_INGRESS_REASON, STATE_ADMINS_INGRESS_REASON } from '../config/sections/security';
import { loadVariant, problemsOf } from './support/env-files';
import { onlyResource, resourcesOf, synthApp, SynthesizedStack, synthEnvironment } from './support/synth';

const PERIMETER = 'google_access_context_manager_service_perimeter';
const POLICY = 'accessPolicies/123456789';

function observabilityWith(vpcServiceControls: Record<string, unknown>): SynthesizedStack | undefined {
  const { loaded, problems } = loadVariant('dev', { security: { vpcServiceControls } });
  if (!loaded) throw new Error(problems?.join('\n'));
  return synthApp(loaded.config).observability;
}

const CI = [
  'serviceAccount:afpi-planner@afpi-dev.iam.gserviceaccount.com',
  'serviceAccount:afpi-deployer@afpi-dev.iam.gserviceaccount.com',
];

describe('VPC Service Controls perimeter (observability stack)', () => {
  const dryRun = observabilityWith({ accessPolicy: POLICY, mode: 'dry-run' });
  const enforced = observabilityWith({
    accessPolicy: POLICY,
    mode: 'enforce',
    ingress: [
      { identities: ['group:platform-admins@afpip.com'], reason: 'break-glass admins apply the state stack' },
    ],
    egress: [
      {
        resources: ['projects/987654321'],
        services: ['artifactregistry.googleapis.com'],
        reason: 'base images from the shared images project',
      },
    ],
  });

  it('in dry-run puts the project, the restricted services and the CI ingress in the explicit dry-run spec only', () => {
    const perimeter = onlyResource(dryRun, PERIMETER);
    expect(perimeter).toEqual(
      expect.objectContaining({
        parent: POLICY,
        name: `${POLICY}/servicePerimeters/afpi_dev`,
        perimeter_type: 'PERIMETER_TYPE_REGULAR',
        use_explicit_dry_run_spec: true,
      }),
    );
    expect(perimeter.status).toBeUndefined();
    const spec = perimeter.spec as Record<string, unknown>;
    // The project by number, read by a data source (the offline plan's fixture knows google_project).
    expect(spec.resources).toEqual([
      expect.stringMatching(/^projects\/\$\{data\.google_project\.perimeter_project_[0-9A-F]+\.number\}$/),
    ]);
    expect(spec.restricted_services).toEqual([...PERIMETER_RESTRICTED_SERVICES]);
    expect(PERIMETER_RESTRICTED_SERVICES).toEqual(
      expect.arrayContaining([
        'sqladmin.googleapis.com',
        'redis.googleapis.com',
        'storage.googleapis.com',
        'secretmanager.googleapis.com',
        'artifactregistry.googleapis.com',
        'run.googleapis.com',
        'container.googleapis.com',
        'cloudkms.googleapis.com',
        'logging.googleapis.com',
        'monitoring.googleapis.com',
      ]),
    );
    expect(spec.vpc_accessible_services).toEqual({
      enable_restriction: true,
      allowed_services: expect.arrayContaining(['RESTRICTED-SERVICES']),
    });
    expect(spec.ingress_policies).toEqual([
      {
        title: 'CI planner and deployer (Workload Identity Federation)',
        ingress_from: { identities: CI, sources: [{ access_level: '*' }] },
        ingress_to: { resources: ['*'], operations: [{ service_name: '*' }] },
      },
    ]);
  });

  it('in enforce mode puts the same config in status, with the configured ingress and egress', () => {
    const perimeter = onlyResource(enforced, PERIMETER);
    expect(perimeter.use_explicit_dry_run_spec).toBe(false);
    expect(perimeter.spec).toBeUndefined();
    const status = perimeter.status as Record<string, unknown>;
    expect(status.restricted_services).toEqual([...PERIMETER_RESTRICTED_SERVICES]);
    expect(status.ingress_policies).toEqual([
      expect.objectContaining({ ingress_from: expect.objectContaining({ identities: CI }) }),
      expect.objectContaining({
        title: 'break-glass admins apply the state stack',
        ingress_from: { identities: ['group:platform-admins@afpip.com'], sources: [{ access_level: '*' }] },
      }),
    ]);
    expect(status.egress_policies).toEqual([
      {
        title: 'base images from the shared images project',
        egress_from: { identity_type: 'ANY_IDENTITY' },
        egress_to: {
          resources: ['projects/987654321'],
          operations: [
            { service_name: 'artifactregistry.googleapis.com', method_selectors: [{ method: '*' }] },
          ],
        },
      },
    ]);
  });

  it('lets the state bucket admins reach storage and KMS only, in every mode', () => {
    const { loaded, problems } = loadVariant('dev', {
      stateBucket: { adminMembers: ['group:platform-admins@afpip.com'] },
      security: { vpcServiceControls: { accessPolicy: POLICY, mode: 'enforce' } },
    });
    if (!loaded) throw new Error(problems?.join('\n'));
    const status = onlyResource(synthApp(loaded.config).observability, PERIMETER).status as Record<
      string,
      unknown
    >;
    expect(status.ingress_policies).toEqual([
      expect.objectContaining({ title: CI_INGRESS_REASON }),
      {
        title: STATE_ADMINS_INGRESS_REASON,
        ingress_from: { identities: ['group:platform-admins@afpip.com'], sources: [{ access_level: '*' }] },
        ingress_to: {
          resources: ['*'],
          operations: [
            { service_name: 'storage.googleapis.com', method_selectors: [{ method: '*' }] },
            { service_name: 'cloudkms.googleapis.com', method_selectors: [{ method: '*' }] },
          ],
        },
      },
    ]);
    // No admins configured (the enforced variant above): no such rule.
    const titles = (
      (onlyResource(enforced, PERIMETER).status as Record<string, unknown>).ingress_policies as {
        title: string;
      }[]
    ).map((rule) => rule.title);
    expect(titles).not.toContain(STATE_ADMINS_INGRESS_REASON);
    expect(
      problemsOf('dev', {
        security: {
          vpcServiceControls: {
            accessPolicy: POLICY,
            ingress: [{ identities: ['user:a@afpip.com'], reason: STATE_ADMINS_INGRESS_REASON }],
          },
        },
      }),
    ).toEqual([expect.stringContaining('is already the title of another perimeter rule')]);
  });

  it('ships the violations filter as a log-based metric and an alert on it that waits for the metric', () => {
    const metric = resourcesOf(enforced, 'google_logging_metric').find(
      (m) => m.name === 'afpi/vpc_sc_violations',
    );
    expect(metric).toEqual(expect.objectContaining({ filter: PERIMETER_VIOLATIONS_FILTER }));
    expect(PERIMETER_VIOLATIONS_FILTER).toContain('VpcServiceControlAuditMetadata');
    const alert = resourcesOf(enforced, 'google_monitoring_alert_policy').find(
      (a) => (a.user_labels as Record<string, string>).alert === 'vpc_sc_violation',
    );
    expect(alert).toBeDefined();
    expect(JSON.stringify(alert!.conditions)).toContain('logging.googleapis.com/user/afpi/vpc_sc_violations');
    expect(alert!.depends_on).toEqual(
      expect.arrayContaining([expect.stringMatching(/^google_logging_metric\./)]),
    );
  });

  it('is off without an access policy, and synth says how to turn it on', () => {
    const observability = synthEnvironment('dev').observability;
    expect(resourcesOf(observability, PERIMETER)).toEqual([]);
    expect(
      resourcesOf(observability, 'google_monitoring_alert_policy').some(
        (a) => (a.user_labels as Record<string, string>).alert === 'vpc_sc_violation',
      ),
    ).toBe(false);
    expect(loadEnvironment('dev').notes).toContain(VPC_SC_OFF);
  });

  it('refuses an access policy that is no policy name and an ingress rule without a reason', () => {
    expect(
      problemsOf('dev', {
        security: {
          vpcServiceControls: { accessPolicy: '123456789', ingress: [{ identities: ['user:a@afpip.com'] }] },
        },
      }),
    ).toEqual([
      'config/environments/dev.yaml: security.vpcServiceControls.accessPolicy ("123456789") is not an access policy name. Fix: write "accessPolicies/<number>" (gcloud access-context-manager policies list --organization <org id>)',
      expect.stringMatching(
        /^config\/environments\/dev\.yaml: security\.vpcServiceControls\.ingress\.0\.reason is missing/,
      ),
    ]);
  });

  it('refuses what the API would refuse at apply: a principalSet, a rule title over 100 characters or used twice', () => {
    const policy = 'accessPolicies/123456789';
    expect(
      problemsOf('dev', {
        security: {
          vpcServiceControls: {
            accessPolicy: policy,
            ingress: [
              {
                identities: ['principalSet://iam.googleapis.com/pools/x/*'],
                reason: 'federated deployers of the platform',
              },
              { identities: ['user:a@afpip.com'], reason: 'x'.repeat(101) },
              { identities: ['user:b@afpip.com'], reason: CI_INGRESS_REASON },
            ],
          },
        },
      }),
    ).toEqual([
      'config/environments/dev.yaml: security.vpcServiceControls.ingress.0.identities.0 ("principalSet://iam.googleapis.com/pools/x/*") is not a single IAM identity. Fix: write "user:<email>", "serviceAccount:<email>", "group:<email>" or "principal://..." (perimeter rules refuse principalSet: let the federated identities impersonate a service account and name that)',
      expect.stringMatching(
        /^config\/environments\/dev\.yaml: security\.vpcServiceControls\.ingress\.1\.reason .*100/,
      ),
      `config/environments/dev.yaml: security.vpcServiceControls.ingress.2.reason ("${CI_INGRESS_REASON}") is already the title of another perimeter rule. Fix: give each rule its own reason`,
    ]);
  });
});
