import { z } from 'zod';
import { noOverlaps, parseCidr } from '../config/cidr';
import {
  ConfigError,
  deepMerge,
  listEnvironments,
  loadEnvironment,
  loadFromProcessEnv,
} from '../config/load';
import { minNotAboveMax } from '../config/rules';
import { TIERS } from '../config/schema';
import { problemsOf } from './support/env-files';

// Every file in config/environments/: a new environment is checked at every tier without editing this test.
const ENVIRONMENTS = listEnvironments();

describe('environments and tiers', () => {
  it('ships dev, staging and prod', () => {
    expect(ENVIRONMENTS).toEqual(expect.arrayContaining(['dev', 'prod', 'staging']));
  });

  it.each(ENVIRONMENTS.flatMap((env) => TIERS.map((tier) => [env, tier])))(
    '%s resolves at tier %s',
    (env, tier) => {
      const { config } = loadEnvironment(env, { tier });
      expect(config).toEqual(expect.objectContaining({ env, tier }));
      expect(config.stacks).toEqual(
        expect.arrayContaining(['state', 'network', 'data', 'cloud-run', 'observability']),
      );
    },
  );

  it('gives each tier the stacks the seed describes', () => {
    const stacksOf = (tier: string) => loadEnvironment('dev', { tier }).config.stacks;
    expect(stacksOf('startup')).not.toContain('gke-gpu');
    expect(stacksOf('startup')).not.toContain('inference');
    expect(stacksOf('growth')).toContain('gke-gpu');
    expect(stacksOf('growth')).not.toContain('inference');
    expect(stacksOf('scale')).toEqual(expect.arrayContaining(['gke-gpu', 'inference']));
    expect(loadEnvironment('dev', { tier: 'enterprise' }).config).toEqual(
      expect.objectContaining({ disasterRecovery: true, drRegion: 'us-east1' }),
    );
  });

  it('uses the environments own tiers by default', () => {
    expect(loadEnvironment('dev').config.tier).toBe('scale');
    expect(loadEnvironment('staging').config.tier).toBe('scale');
    expect(loadEnvironment('prod').config).toEqual(
      expect.objectContaining({ tier: 'enterprise', drRegion: 'us-east1' }),
    );
  });

  it('defaults to dev and honours AFPI_ENV and AFPI_TIER', () => {
    expect(loadFromProcessEnv({}).config).toEqual(expect.objectContaining({ env: 'dev', tier: 'scale' }));
    expect(loadFromProcessEnv({ AFPI_ENV: 'prod', AFPI_TIER: 'growth' }).config).toEqual(
      expect.objectContaining({ env: 'prod', tier: 'growth' }),
    );
  });
});

describe('config errors name the file, the field, the problem and the fix', () => {
  it('lists the valid environments for an unknown AFPI_ENV', () => {
    expect(() => loadFromProcessEnv({ AFPI_ENV: 'nope' })).toThrow(
      new ConfigError([
        `AFPI_ENV=nope: no such environment in config/environments. Fix: use one of ${ENVIRONMENTS.join(', ')}`,
      ]),
    );
  });

  it('lists the valid tiers for an unknown AFPI_TIER', () => {
    expect(() => loadFromProcessEnv({ AFPI_TIER: 'huge' })).toThrow(
      'AFPI_TIER=huge: no such tier. Fix: use one of startup, growth, scale, enterprise',
    );
  });

  it('rejects an unknown tier in the file', () => {
    expect(problemsOf('dev', { tier: 'mega' })).toEqual([
      'config/environments/dev.yaml: tier ("mega") is not one of startup, growth, scale, enterprise. Fix: set tier to one of them',
    ]);
  });

  it('says "did you mean" for an unknown key close to a known one, and lists the settings otherwise', () => {
    expect(problemsOf('dev', { projectid: 'x', stateBucket: { nmae: 'y' } })).toEqual([
      'config/environments/dev.yaml: stateBucket.nmae is not a known setting. Did you mean "name"? Fix: rename it to name',
      'config/environments/dev.yaml: projectid is not a known setting. Did you mean "projectId"? Fix: rename it to projectId',
    ]);
    expect(problemsOf('dev', { regoin: 'us-central1', owner: 'me' })).toEqual([
      'config/environments/dev.yaml: regoin is not a known setting. Did you mean "region"? Fix: rename it to region',
      'config/environments/dev.yaml: owner is not a known setting. Fix: remove it or correct the spelling (settings here: tier, projectId, region, drRegion, domain, stateBucket, ci, labels, disasterRecovery, stacks, network, data, observability, cloudRun, gke, inference, cost)',
    ]);
    expect(problemsOf('dev', { cloudRun: { frontend: { memory: 1 } } })).toEqual([
      'config/environments/dev.yaml: cloudRun.frontend.memory is not a known setting. Did you mean "memoryGiB"? Fix: rename it to memoryGiB',
    ]);
    expect(
      problemsOf('dev', {
        inference: {
          models: [
            { name: 'mistral-7b-instruct-v0.2', pool: 'gpu-l4', maxModelLength: 4096, maxReplicas: 1 },
          ],
        },
        gke: { gpuPools: [{ name: 'gpu-l4', preset: 'l4' }] },
      }),
    ).toEqual([
      'config/environments/dev.yaml: inference.models.0.maxModelLength is not a known setting. Did you mean "maxModelLen"? Fix: rename it to maxModelLen',
    ]);
  });

  it('points a model display name (README table) to its catalog id', () => {
    expect(
      problemsOf('dev', { inference: { models: [{ name: 'Mistral-7B-Instruct-v0.2', pool: 'gpu-small' }] } }),
    ).toEqual([
      'config/environments/dev.yaml: inference.models.0.name ("Mistral-7B-Instruct-v0.2") is not one of "mistral-7b-instruct-v0.2", "llama-2-13b-chat", "llama-2-70b-chat", "codellama-13b", "starcoder", "yi-34b". Did you mean "mistral-7b-instruct-v0.2"? Fix: use one of them',
    ]);
  });

  it('says a missing tier is missing', () => {
    expect(problemsOf('dev', { tier: undefined })).toEqual([
      'config/environments/dev.yaml: tier is missing. Fix: add "tier: <startup | growth | scale | enterprise>" (the preset in config/tiers/ this environment starts from)',
    ]);
    expect(problemsOf('dev', { tier: 'scael' })).toEqual([
      'config/environments/dev.yaml: tier ("scael") is not one of startup, growth, scale, enterprise. Did you mean "scale"? Fix: set tier to one of them',
    ]);
  });

  it('shows the expected shape of a missing object', () => {
    expect(problemsOf('dev', { stateBucket: undefined })).toEqual([
      'config/environments/dev.yaml: stateBucket is missing. Fix: add stateBucket: { name: ... }',
    ]);
    expect(problemsOf('dev', { domain: undefined })).toEqual([
      'config/environments/dev.yaml: domain is missing. Fix: add it (a string)',
    ]);
  });

  it('says when a list in the environment replaced the tier list that a problem names', () => {
    expect(problemsOf('staging', { gke: { gpuPools: [{ name: 'gpu-l4', preset: 'l4' }] } })).toEqual([
      'config/tiers/scale.yaml: inference.models.0.pool ("gpu-small") is not a GPU pool of gke.gpuPools (gpu-l4). Fix: use one of gpu-l4 or add it to gke.gpuPools (note: config/environments/staging.yaml sets gke.gpuPools, which replaces the tier\'s list instead of adding to it, so the tier\'s gpu-small is gone; repeat the tier\'s entries you keep, see README "Environments and tiers")',
    ]);
  });

  it('rejects a bad project id', () => {
    expect(problemsOf('dev', { projectId: 'AFPI_dev' })).toEqual([
      'config/environments/dev.yaml: projectId ("AFPI_dev") is not a GCP project id. Fix: 6-30 characters of lowercase letters, digits and hyphens, starting with a letter',
    ]);
  });

  it('rejects a malformed region and an unsupported one', () => {
    expect(problemsOf('dev', { region: 'us-central1-a' })).toEqual([
      'config/environments/dev.yaml: region ("us-central1-a") is a zone, not a region. Fix: use its region "us-central1"',
    ]);
    expect(problemsOf('dev', { region: 'central' })).toEqual([
      'config/environments/dev.yaml: region ("central") is not a GCP region name. Fix: use a region such as "us-central1"',
    ]);
    expect(problemsOf('dev', { region: 'mars-north1' })).toEqual([
      'config/environments/dev.yaml: region ("mars-north1") is not a region this project supports. Fix: use one of us-central1, us-east1, us-east4, us-west1, us-west4, europe-west1, europe-west4, asia-southeast1',
    ]);
  });

  it('rejects a bad domain', () => {
    expect(problemsOf('dev', { domain: 'https://afpip.com/' })).toEqual([
      'config/environments/dev.yaml: domain ("https://afpip.com/") is not a domain name. Fix: use a lowercase DNS name such as "afpip.com", without scheme or path',
    ]);
  });

  it('rejects a bad bucket name and a bad KMS key name', () => {
    expect(problemsOf('dev', { stateBucket: { name: 'Afpi.State', kmsKeyName: 'my-key' } })).toEqual([
      'config/environments/dev.yaml: stateBucket.name ("Afpi.State") is not a valid bucket name. Fix: 3-63 characters of lowercase letters, digits, "-" and "_", starting and ending with a letter or digit',
      'config/environments/dev.yaml: stateBucket.kmsKeyName ("my-key") is not a KMS key name. Fix: use projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>',
    ]);
  });

  it('rejects out-of-range numbers and wrong types', () => {
    expect(problemsOf('dev', { stateBucket: { noncurrentVersionsKept: 0 } })).toEqual([
      'config/environments/dev.yaml: stateBucket.noncurrentVersionsKept (0) is below the minimum 1. Fix: raise it',
    ]);
    expect(problemsOf('dev', { stateBucket: { noncurrentVersionsKept: 'ten' } })).toEqual([
      'config/environments/dev.yaml: stateBucket.noncurrentVersionsKept ("ten") should be a number. Fix: set a number',
    ]);
  });

  it('rejects bad labels', () => {
    expect(problemsOf('dev', { labels: { Team: 'x', owner: 'Platform Team' } })).toEqual([
      'config/environments/dev.yaml: labels.Team is not a valid label key. Fix: lowercase letters, digits, "_" and "-", starting with a letter',
      'config/environments/dev.yaml: labels.owner ("Platform Team") is not a valid label value. Fix: up to 63 lowercase letters, digits, "_" and "-"',
    ]);
  });

  it('requires a DR region when disaster recovery is on, different from the primary', () => {
    expect(problemsOf('dev', { disasterRecovery: true })).toEqual([
      'config/environments/dev.yaml: drRegion is missing while disasterRecovery is on. Fix: set drRegion (seed: "us-east1") or turn disasterRecovery off',
    ]);
    expect(problemsOf('prod', { drRegion: 'us-central1' })).toEqual([
      'config/environments/prod.yaml: drRegion ("us-central1") equals region. Fix: pick a DR region other than the primary region',
    ]);
  });

  it('rejects a stack list that breaks the tier rules', () => {
    expect(
      problemsOf('dev', { stacks: ['state', 'network', 'data', 'cloud-run', 'inference', 'observability'] }),
    ).toEqual([
      'config/environments/dev.yaml: stacks (["state","network","data","cloud-run","inference","observability"]) has "inference" without "gke-gpu". Fix: add "gke-gpu" or remove "inference"',
    ]);
    expect(
      problemsOf('dev', {
        stacks: ['state', 'network', 'cloud-run', 'gke-gpu', 'inference', 'observability'],
      }),
    ).toEqual([
      'config/environments/dev.yaml: stacks (["state","network","cloud-run","gke-gpu","inference","observability"]) lacks "data". Fix: every tier deploys state, network, data, cloud-run, observability',
    ]);
  });
});

describe('shared validation rules', () => {
  const pair = z
    .object({ min: z.number(), max: z.number() })
    .superRefine((v, ctx) => minNotAboveMax(ctx, v, 'min', 'max'));

  it('reports min above max with both values', () => {
    const result = pair.safeParse({ min: 12, max: 10 });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['min'], '(12) is above max (10). Fix: lower min or raise max'],
    ]);
    expect(pair.safeParse({ min: 10, max: 10 }).success).toBe(true);
  });

  it('parses canonical CIDRs only', () => {
    expect(parseCidr('10.10.0.0/20')).toEqual({
      cidr: '10.10.0.0/20',
      first: 168427520,
      last: 168431615,
      prefixLength: 20,
    });
    expect(parseCidr('10.10.0.1/20')).toBeUndefined();
    expect(parseCidr('10.300.0.0/16')).toBeUndefined();
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0')).toBeUndefined();
  });

  it('names both ranges of an overlap', () => {
    const ranges = z.object({ a: z.string(), b: z.string(), c: z.string() }).superRefine((v, ctx) =>
      noOverlaps(ctx, [
        { path: ['a'], cidr: v.a },
        { path: ['b'], cidr: v.b },
        { path: ['c'], cidr: v.c },
      ]),
    );
    const result = ranges.safeParse({ a: '10.0.0.0/16', b: '10.1.0.0/16', c: '10.0.128.0/20' });
    expect(result.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [['c'], '(10.0.128.0/20) overlaps a (10.0.0.0/16). Fix: give each range its own address space'],
    ]);
  });

  it('merges objects deeply and replaces arrays', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: 1 }, { a: { c: [3] }, e: 2 })).toEqual({
      a: { b: 1, c: [3] },
      d: 1,
      e: 2,
    });
  });
});
