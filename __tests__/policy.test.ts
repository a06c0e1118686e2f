import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { RedisInstance } from '@cdktf/provider-google/lib/redis-instance';
import { StorageBucket, StorageBucketConfig } from '@cdktf/provider-google/lib/storage-bucket';
import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { PolicyError } from '../policy/findings';
import { checkPolicy, PolicyPack } from '../policy/policy-pack';
import { RULES } from '../policy/rules';
import { suppress } from '../policy/suppressions';
import { environmentLines, rulesTable } from '../policy/report';
import { checkApp, checkStack } from './support/policy-fixture';

const PROD = { env: 'prod', tier: 'enterprise' as const };

const goodBucket = (scope: Construct, id = 'bucket', config: Partial<StorageBucketConfig> = {}) =>
  new StorageBucket(scope, id, {
    name: 'afpi-models',
    location: 'US',
    uniformBucketLevelAccess: true,
    publicAccessPrevention: 'enforced',
    versioning: { enabled: true },
    ...config,
  });

/** A bucket that breaks AFPI-GCS-4 (force_destroy) and nothing else. */
const destroyableBucket = (scope: Construct, id = 'bucket') => goodBucket(scope, id, { forceDestroy: true });

/** A Redis instance that breaks AFPI-REDIS-2 (no AUTH) and nothing else. */
const redisWithoutAuth = (scope: Construct) =>
  new RedisInstance(scope, 'redis', {
    name: 'cache',
    memorySizeGb: 1,
    tier: 'STANDARD_HA',
    transitEncryptionMode: 'SERVER_AUTHENTICATION',
    connectMode: 'PRIVATE_SERVICE_ACCESS',
  });

/** A stack that cdktf can synthesize (its validation wants a provider for the resources). */
function synthesizableStack(app: App, id: string): TerraformStack {
  const stack = new TerraformStack(app, id);
  new GoogleProvider(stack, 'google', { project: 'p' });
  return stack;
}

const errorsOn = (construct: IConstruct) =>
  construct.node.metadata.filter((m) => m.type === '@cdktf/error').map((m) => m.data);

function twoBrokenStacks(app: App): { bucket: StorageBucket; redis: RedisInstance } {
  const bucket = destroyableBucket(new TerraformStack(app, 'models'));
  const redis = redisWithoutAuth(new Construct(new TerraformStack(app, 'cache'), 'memorystore'));
  return { bucket, redis };
}

describe('policy pack', () => {
  it('reports every violation of every stack, each as an error annotation on its construct path', () => {
    let built!: ReturnType<typeof twoBrokenStacks>;
    const report = checkApp((app) => (built = twoBrokenStacks(app)));
    expect(report.violations).toEqual([
      {
        ruleId: 'AFPI-GCS-4',
        path: 'models/bucket',
        stack: 'models',
        message:
          'AFPI-GCS-4: Bucket has force_destroy on (terraform destroy deletes every object). Fix: remove force_destroy or set it to false',
      },
      {
        ruleId: 'AFPI-REDIS-2',
        path: 'cache/memorystore/redis',
        stack: 'cache',
        message:
          'AFPI-REDIS-2: Memorystore Redis accepts clients without AUTH. Fix: set auth_enabled = true and hand the AUTH string to clients from Secret Manager',
      },
    ]);
    expect(errorsOn(built.bucket)).toEqual([report.violations[0].message]);
    expect(errorsOn(built.redis)).toEqual([report.violations[1].message]);
  });

  it('counts the checks that passed, per stack', () => {
    const report = checkApp((app) => {
      goodBucket(new TerraformStack(app, 'a'));
      destroyableBucket(new TerraformStack(app, 'b'));
    });
    expect(report.checksPassedByStack).toEqual({ a: 4, b: 3 });
    expect(report.checksPassed).toBe(7);
  });

  it('fails checkPolicy with a PolicyError listing every violation as "<path>: <message>"', () => {
    const app = Testing.app();
    twoBrokenStacks(app);
    Aspects.of(app).add(new PolicyPack(PROD));
    expect(() => checkPolicy(app)).toThrow(PolicyError);
    try {
      checkPolicy(app);
    } catch (err) {
      expect((err as PolicyError).lines).toEqual([
        expect.stringMatching(/^models\/bucket: AFPI-GCS-4: Bucket has force_destroy on .*\. Fix: /),
        expect.stringMatching(
          /^cache\/memorystore\/redis: AFPI-REDIS-2: Memorystore Redis accepts clients without AUTH\. Fix: /,
        ),
      ]);
      expect((err as PolicyError).message).toMatch(/^2 policy violations:\n {2}models\/bucket: AFPI-GCS-4/);
    }
  });

  it('also fails a plain cdktf synth (the aspect runs on each stack when no check ran first)', () => {
    const app = Testing.app();
    destroyableBucket(synthesizableStack(app, 'models'));
    PolicyPack.applyTo(app, new PolicyPack(PROD));
    expect(() => app.synth()).toThrow(/\[models\/bucket\] AFPI-GCS-4: /);
  });

  it('annotates once when cdktf synth runs the aspect again after a check', () => {
    const app = Testing.app();
    const bucket = goodBucket(synthesizableStack(app, 'models'));
    suppress(bucket, [
      { id: 'AFPI-GCS-3', reason: 'Checked by a fixture: versioning is what this test removes.' },
    ]);
    bucket.addOverride('versioning', undefined);
    PolicyPack.applyTo(app, new PolicyPack(PROD));
    expect(checkPolicy(app).suppressed).toHaveLength(1);
    app.synth();
    expect(bucket.node.metadata.filter((m) => m.type === '@cdktf/info')).toHaveLength(1);
  });

  it('sees escape-hatch overrides, as they are synthesized', () => {
    const report = checkStack((s) => goodBucket(s).addOverride('public_access_prevention', 'inherited'));
    expect(report.violations.map((v) => v.ruleId)).toEqual(['AFPI-GCS-2']);
  });

  it('gives rules the resources of every stack (a load balancer in one stack fronts a service in another)', () => {
    const report = checkApp((app) => {
      const run = new CloudRunV2Service(new TerraformStack(app, 'run'), 'backend', {
        name: 'backend',
        location: 'us-central1',
        template: {
          serviceAccount: 'backend@p.iam.gserviceaccount.com',
          containers: [{ image: 'backend:1' }],
        },
      });
      new ComputeRegionNetworkEndpointGroup(new TerraformStack(app, 'lb'), 'neg', {
        name: 'backend',
        region: 'us-central1',
        networkEndpointType: 'SERVERLESS',
        cloudRun: { service: run.name },
      });
    });
    expect(report.violations.map((v) => `${v.path} ${v.ruleId}`)).toEqual(['run/backend AFPI-RUN-1']);
  });
});

describe('suppressions', () => {
  const REASON = 'The bucket holds throwaway build caches that are rebuilt on every run.';

  it('suppress a rule on the construct and its children, and list the suppression with its reason', () => {
    let bucket!: StorageBucket;
    const report = checkStack((s) => {
      const cache = new Construct(s, 'cache');
      bucket = destroyableBucket(cache);
      suppress(cache, [{ id: 'AFPI-GCS-4', reason: REASON }]);
    });
    expect(report.violations).toEqual([]);
    expect(report.suppressed).toEqual([
      expect.objectContaining({
        ruleId: 'AFPI-GCS-4',
        path: 'fixture/cache/bucket',
        suppressedBecause: REASON,
      }),
    ]);
    expect(bucket.node.metadata.filter((m) => m.type === '@cdktf/info').map((m) => m.data)).toEqual([
      `AFPI-GCS-4 suppressed: ${REASON}`,
    ]);
  });

  it('suppress only the rules they name', () => {
    const report = checkStack((s) => {
      const bucket = destroyableBucket(s);
      bucket.addOverride('versioning', undefined);
      suppress(bucket, [{ id: 'AFPI-GCS-4', reason: REASON }]);
    });
    expect(report.violations.map((v) => v.ruleId)).toEqual(['AFPI-GCS-3']);
    expect(report.suppressed.map((v) => v.ruleId)).toEqual(['AFPI-GCS-4']);
  });

  it.each([
    ['no reason', ''],
    ['a reason shorter than 20 characters', 'legacy bucket'],
  ])('with %s are an error and suppress nothing', (_what, reason) => {
    const report = checkStack((s) => suppress(destroyableBucket(s), [{ id: 'AFPI-GCS-4', reason }]));
    expect(report.suppressed).toEqual([]);
    expect(report.violations.map((v) => `${v.path}: ${v.message}`)).toEqual([
      "fixture/bucket: AFPI-SUPPRESSION: suppression of AFPI-GCS-4 has no reason of at least 20 characters. Fix: write, in a sentence, why AFPI-GCS-4 does not apply here: suppress(construct, [{ id: 'AFPI-GCS-4', reason: '...' }])",
      expect.stringMatching(/^fixture\/bucket: AFPI-GCS-4: /),
    ]);
  });

  it('naming no rule are an error', () => {
    const report = checkStack((s) => suppress(goodBucket(s), [{ id: 'AFPI-GCS-44', reason: REASON }]));
    expect(report.violations.map((v) => `${v.path}: ${v.message}`)).toEqual([
      'fixture/bucket: AFPI-SUPPRESSION: suppression names AFPI-GCS-44, which is no rule. Fix: use a rule id from the rules table (npm run policy)',
    ]);
  });
});

describe('npm run policy', () => {
  it('prints one line per rule: id and statement', () => {
    const table = rulesTable();
    expect(table).toHaveLength(RULES.length);
    expect(table[0]).toMatch(/^AFPI-SQL-1 +Cloud SQL instance has a public IPv4 address$/);
  });

  it('prints per environment the checks passed, violations and suppressions, then each finding', () => {
    const report = checkApp((app) => {
      const stack = new TerraformStack(app, 'models');
      destroyableBucket(stack, 'a');
      suppress(destroyableBucket(stack, 'b'), [
        { id: 'AFPI-GCS-4', reason: 'Scratch space, emptied by design every night.' },
      ]);
    });
    expect(environmentLines('prod', 'enterprise', report)).toEqual([
      'prod     tier enterprise    6 checks passed   1 violations   1 suppressed',
      expect.stringMatching(/^ {4}models\/a: AFPI-GCS-4: /),
      '    models/b: AFPI-GCS-4 suppressed: Scratch space, emptied by design every night.',
    ]);
  });
});
