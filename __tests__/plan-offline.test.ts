import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadEnvironment } from '../config/load';
import { repoRoot } from '../config/paths';
import { EnvironmentConfig, StackId } from '../config/schema';
import { ASSERTIONS, PlanAssertion } from '../scripts/offline-plan/assertions';
import { googleDataFixture } from '../scripts/offline-plan/google-data-fixture';
import { placeholder } from '../scripts/offline-plan/placeholders';
import { assertsFor, broken, hcl, renderTestFile } from '../scripts/offline-plan/test-file';
import { findProviders, SHARED_DIR, writeCliConfig } from '../scripts/terraform-cli-config';
import { loadVariant } from './support/env-files';
import { SynthesizedApp, synthApp, synthEnvironment } from './support/synth';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'plan-offline-'));

describe('provider lookup and CLI config', () => {
  it('uses the folder AFPI_TF_PROVIDERS names and writes a mirror-only config with the plugin cache', () => {
    const mirror = tmp();
    fs.mkdirSync(path.join(mirror, 'registry.terraform.io', 'hashicorp'), { recursive: true });
    const source = findProviders({ AFPI_TF_PROVIDERS: mirror });
    expect(source).toEqual({ kind: 'AFPI_TF_PROVIDERS', mirror });
    const file = path.join(tmp(), 'terraform.rc');
    const cli = writeCliConfig(file, source, path.join(mirror, 'cache'));
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain(`filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}`);
    expect(text).toContain('exclude = ["registry.terraform.io/hashicorp/*"]');
    expect(text).toContain(`plugin_cache_dir = ${JSON.stringify(path.join(mirror, 'cache'))}`);
    expect(cli.describe).toBe(`providers from ${mirror} (AFPI_TF_PROVIDERS)`);
  });

  it('refuses an AFPI_TF_PROVIDERS folder that is not a mirror, naming the fix', () => {
    const empty = tmp();
    expect(() => findProviders({ AFPI_TF_PROVIDERS: empty })).toThrow(
      `AFPI_TF_PROVIDERS=${empty}: no Terraform provider mirror there (expected ${empty}/registry.terraform.io/hashicorp). Fix: point it at a filesystem mirror such as ../shared/terraform-providers, or unset it`,
    );
  });

  it('looks for the shared mirror beside the repository, and falls back to the public registry', () => {
    expect(SHARED_DIR).toBe(path.resolve(repoRoot, '..', 'shared'));
    const file = path.join(tmp(), 'terraform.rc');
    const cli = writeCliConfig(file, { kind: 'public registry' });
    expect(fs.readFileSync(file, 'utf8')).not.toContain('provider_installation');
    expect(cli.describe).toContain('public Terraform registry');
  });
});

describe('placeholders have the provider formats', () => {
  const config = loadEnvironment('prod').config;
  const attrs =
    (values: Record<string, unknown>) =>
    (name: string): unknown =>
      values[name];

  it('ids and self links as the google provider returns them', () => {
    // The Cloud SQL private_network check: ^projects/.../global/networks/...
    expect(placeholder('google_compute_network', 'id', attrs({ name: 'afpi-vpc' }), config)).toBe(
      'projects/afpi-production/global/networks/afpi-vpc',
    );
    expect(
      placeholder('google_compute_subnetwork', 'id', attrs({ name: 's', region: 'us-east1' }), config),
    ).toBe('projects/afpi-production/regions/us-east1/subnetworks/s');
    expect(
      placeholder('google_sql_database_instance', 'connection_name', attrs({ name: 'db' }), config),
    ).toBe('afpi-production:us-central1:db');
    const ring = 'projects/p/locations/us-central1/keyRings/r';
    expect(placeholder('google_kms_crypto_key', 'id', attrs({ key_ring: ring, name: 'sql' }), config)).toBe(
      `${ring}/cryptoKeys/sql`,
    );
  });

  it('IPs inside the configured ranges', () => {
    expect(placeholder('google_redis_instance', 'host', attrs({}), config)).toBe('10.30.0.4');
    expect(
      placeholder(
        'google_compute_address',
        'address',
        attrs({ address_type: 'INTERNAL', region: 'us-east1' }),
        config,
      ),
    ).toBe('10.11.0.10');
    expect(
      placeholder(
        'google_redis_instance',
        'port',
        attrs({ transit_encryption_mode: 'SERVER_AUTHENTICATION' }),
        config,
      ),
    ).toBe(6378);
  });

  it('refuses a type and attribute it has no format for, naming the file to extend', () => {
    expect(() => placeholder('google_pubsub_topic', 'id', attrs({}), config)).toThrow(
      'no placeholder format for google_pubsub_topic.id (unknown until apply, read by a downstream stack). Fix: add the format the provider returns to FORMATS in scripts/offline-plan/placeholders.ts',
    );
  });

  it('the data fixture derives service agents from the project number', () => {
    const fixture = googleDataFixture(config);
    expect(fixture.google_storage_project_service_account.email_address).toBe(
      `service-${fixture.google_project.number}@gs-project-accounts.iam.gserviceaccount.com`,
    );
    const ca = (fixture.google_container_cluster.master_auth as { cluster_ca_certificate: string }[])[0];
    expect(Buffer.from(ca.cluster_ca_certificate, 'base64').toString()).toMatch(
      /^-----BEGIN CERTIFICATE-----\n/,
    );
  });
});

/** The synthesized value at a simple `$.a[0].b` path; a single block is an object in cdk.tf.json, a list in plans. */
function valueAt(resource: unknown, expression: string): unknown {
  let value = resource;
  for (const [, name, index] of expression.slice(1).matchAll(/\.([a-z_]+)|\[(\d+)\]/g)) {
    if (index !== undefined) value = Array.isArray(value) ? value[Number(index)] : value;
    else value = (value as Record<string, unknown> | undefined)?.[name];
  }
  return value;
}
const isSimplePath = (a: PlanAssertion) => /^\$(\.[a-z_]+|\[\d+\])+$/.test(a.value);

describe('offline-plan assertions', () => {
  // The matrix plan:offline runs, plus a variant with the cost-anomaly budget on (off in every shipped env).
  const withBudget = loadVariant('dev', {
    observability: { billingAccountId: '01ABCD-23EF45-6789AB', costAnomaly: { enabled: true } },
  }).loaded!.config;
  const variants: [EnvironmentConfig, () => SynthesizedApp][] = [
    ...['dev', 'staging', 'prod'].map((env): [EnvironmentConfig, () => SynthesizedApp] => [
      loadEnvironment(env).config,
      () => synthEnvironment(env),
    ]),
    ...['startup', 'growth', 'enterprise'].map((tier): [EnvironmentConfig, () => SynthesizedApp] => [
      loadEnvironment('dev', { tier }).config,
      () => synthEnvironment('dev', tier),
    ]),
    [withBudget, () => synthApp(withBudget)],
  ];
  let apps: { config: EnvironmentConfig; app: SynthesizedApp }[];
  beforeAll(() => {
    apps = variants.map(([config, synth]) => ({ config, app: synth() }));
  });
  const rows = Object.entries(ASSERTIONS).flatMap(([stack, list]) =>
    list!.map((a) => ({ stack: stack as StackId, a })),
  );

  it.each(rows.map((r) => [r.stack, r.a.message, r]))(
    '%s: "%s" checks at least one resource, and a broken value fails it',
    (_stack, _message, { stack, a }) => {
      let checked = 0;
      for (const { config, app } of apps) {
        for (const [name, resource] of Object.entries(app[stack]?.resource?.[a.resource] ?? {})) {
          const constructPath = (resource['//'] as { metadata: { path: string } }).metadata.path;
          if (a.construct && !constructPath.startsWith(`${stack}/${a.construct}`)) continue;
          const expected = a.expected(config, resource);
          if (expected === undefined) continue;
          checked++;
          const asserts = assertsFor(stack, config, {
            resource: { [a.resource]: { [name]: resource } },
          } as never);
          const mine = asserts.find((x) => x.message === `${a.message} (${name})`)!;
          expect(mine.condition).toContain(`${a.resource}.${name}`);
          expect(mine.condition.endsWith(` == ${hcl(expected)}`)).toBe(true);
          if (isSimplePath(a)) {
            // The synthesized value meets the assertion; a mutated copy does not.
            const actual = valueAt(resource, a.value);
            expect(actual).toEqual(expected);
            expect(broken(actual)).not.toEqual(expected);
          }
        }
      }
      expect(checked).toBeGreaterThan(0);
    },
  );

  it('breaks each kind of expected value into another value of its type', () => {
    expect(broken(30)).toBe(31);
    expect(broken(true)).toBe(false);
    expect(broken('REGIONAL')).toBe('REGIONAL-broken');
    expect(broken(['a.example'])).toEqual(['a.example', 'broken']);
  });

  it('every remote state read is asserted to come from <env>/<stack>', () => {
    const config = loadEnvironment('dev').config;
    const app = synthEnvironment('dev');
    const asserts = assertsFor('cloud-run', config, app['cloud-run'] as never);
    expect(asserts.filter((a) => a.condition.includes('.config.prefix')).map((a) => a.condition)).toEqual([
      'data.terraform_remote_state.cross-stack-reference-input-data.config.prefix == "dev/data"',
      'data.terraform_remote_state.cross-stack-reference-input-network.config.prefix == "dev/network"',
    ]);
  });

  it('writes values as HCL with template sequences escaped and lists as lists', () => {
    expect(hcl({ a: '${x}', b: '%{if}' })).toBe('{"a":"$${x}","b":"%%{if}"}');
    expect(hcl(['x'])).toBe('tolist(["x"])');
    const text = renderTestFile(
      [{ target: 'data.google_project.p', values: { number: '1' } }],
      [{ condition: 'a == 1', message: 'm' }],
    );
    expect(text).toContain('override_data {\n  target = data.google_project.p\n  values = {"number":"1"}\n}');
    expect(text).toContain('run "plan" {\n  command = plan\n');
    expect(text).toContain('  assert {\n    condition     = a == 1\n    error_message = "m"\n  }');
  });
});
