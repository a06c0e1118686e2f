import { loadEnvironment } from '../config/load';
import { DEFAULT_SECRETS, sqlReplicaRegion } from '../config/sections/data';
import { loadVariant, problemsOf } from './support/env-files';

describe('network config', () => {
  it('defaults to non-overlapping ranges and a connector of 2-10 instances', () => {
    const { network } = loadEnvironment('prod').config;
    expect(network).toEqual({
      primary: {
        subnet: '10.10.0.0/20',
        pods: '10.16.0.0/14',
        services: '10.12.0.0/20',
        connector: '10.8.0.0/28',
      },
      dr: {
        subnet: '10.11.0.0/20',
        pods: '10.20.0.0/14',
        services: '10.12.16.0/20',
        connector: '10.8.0.16/28',
      },
      privateServicesRange: '10.30.0.0/16',
      connector: { machineType: 'e2-micro', minInstances: 2, maxInstances: 10 },
      cloudRunEgress: 'connector',
      iapSsh: false,
      healthCheckPorts: [80, 8000, 8080],
      flowLogSampling: 0.5,
    });
  });

  it('keeps dev small: a 2-3 instance connector', () => {
    expect(loadEnvironment('dev').config.network.connector).toEqual({
      machineType: 'e2-micro',
      minInstances: 2,
      maxInstances: 3,
    });
  });

  it('names both ranges of an overlap', () => {
    expect(problemsOf('prod', { network: { dr: { pods: '10.16.0.0/14' } } })).toEqual([
      'config/environments/prod.yaml: network.dr.pods (10.16.0.0/14) overlaps network.primary.pods (10.16.0.0/14). Fix: give each range its own address space',
    ]);
    expect(problemsOf('dev', { network: { privateServicesRange: '10.10.0.0/16' } })).toEqual([
      'config/environments/dev.yaml: network.privateServicesRange (10.10.0.0/16) overlaps network.primary.subnet (10.10.0.0/20). Fix: give each range its own address space',
    ]);
  });

  it('ignores the DR ranges where the tier has no DR region', () => {
    expect(() => loadEnvironment('dev', { tier: 'scale' })).not.toThrow();
    expect(
      problemsOf('dev', { network: { dr: { subnet: '10.10.0.0/20' } } }, { tier: 'enterprise' }),
    ).toEqual([
      'config/environments/dev.yaml: network.dr.subnet (10.10.0.0/20) overlaps network.primary.subnet (10.10.0.0/20). Fix: give each range its own address space',
    ]);
  });

  it('rejects a private services range smaller than a /24, saying why', () => {
    expect(problemsOf('dev', { network: { privateServicesRange: '10.30.0.0/25' } })).toEqual([
      'config/environments/dev.yaml: network.privateServicesRange ("10.30.0.0/25") is smaller than a /24, the minimum Cloud SQL accepts for private services access (Memorystore needs room beside it). Fix: use a prefix length of 24 or less, /16 recommended',
    ]);
  });

  it('requires a /28 for the connector and room between min and max instances', () => {
    expect(problemsOf('dev', { network: { primary: { connector: '10.8.0.0/27' } } })).toEqual([
      'config/environments/dev.yaml: network.primary.connector ("10.8.0.0/27") is not a /28; Serverless VPC Access connectors take exactly a /28. Fix: use a /28 such as "10.8.0.0/28"',
    ]);
    expect(problemsOf('dev', { network: { connector: { minInstances: 3, maxInstances: 3 } } })).toEqual([
      'config/environments/dev.yaml: network.connector.minInstances (3) is not below maxInstances (3); the connector needs room to scale. Fix: lower minInstances or raise maxInstances',
    ]);
  });

  it('rejects a malformed CIDR and an unknown egress mode', () => {
    expect(problemsOf('dev', { network: { primary: { subnet: '10.10.0.1/20' } } })).toEqual([
      'config/environments/dev.yaml: network.primary.subnet ("10.10.0.1/20") is not an IPv4 CIDR range with its host bits zero. Fix: write it as "10.10.0.0/20"',
    ]);
    expect(problemsOf('dev', { network: { cloudRunEgress: 'vpn' } })).toEqual([
      'config/environments/dev.yaml: network.cloudRunEgress ("vpn") is not one of "connector", "direct-vpc". Fix: use one of them',
    ]);
  });
});

describe('data config', () => {
  it('uses the seed values by default', () => {
    const prod = loadEnvironment('prod').config.data;
    expect(prod.sql).toEqual({
      tier: 'db-n1-standard-2',
      edition: 'ENTERPRISE',
      databaseVersion: 'MYSQL_8_0',
      diskSizeGb: 50,
      backupRetainedCount: 30,
      logRetentionDays: 7,
      backupStartTime: '02:00',
      maintenanceWindow: { day: 7, hour: 3, updateTrack: 'stable' },
      databaseName: 'afpi',
    });
    expect(prod.redis).toEqual({
      memorySizeGb: 1,
      version: 'REDIS_7_2',
      tier: 'STANDARD_HA',
      rdbSnapshotPeriod: 'TWELVE_HOURS',
      maintenanceWindow: { day: 'SUNDAY', hour: 4 },
    });
    expect(prod.secrets.map((s) => s.id)).toEqual(['xai-api-key', 'openai-api-key', 'hf-token']);
  });

  it('gives dev a small SQL tier and disk', () => {
    expect(loadEnvironment('dev').config.data.sql).toEqual(
      expect.objectContaining({ tier: 'db-custom-1-3840', diskSizeGb: 20 }),
    );
  });

  it('puts the SQL replica in the DR region where the tier has DR, unless switched', () => {
    expect(sqlReplicaRegion(loadEnvironment('prod').config)).toBe('us-east1');
    expect(sqlReplicaRegion(loadEnvironment('staging').config)).toBeUndefined();
    const off = loadVariant('prod', { data: { sql: { crossRegionReplica: false } } }).loaded?.config;
    expect(off && sqlReplicaRegion(off)).toBeUndefined();
    const on = loadVariant('staging', { drRegion: 'us-east1', data: { sql: { crossRegionReplica: true } } })
      .loaded?.config;
    expect(on && sqlReplicaRegion(on)).toBe('us-east1');
  });

  it('rejects backup retention outside what Cloud SQL keeps', () => {
    expect(problemsOf('dev', { data: { sql: { backupRetainedCount: 0 } } })).toEqual([
      'config/environments/dev.yaml: data.sql.backupRetainedCount (0) is outside 1-365, the number of automated backups Cloud SQL can keep. Fix: use a count in that range (seed: 30)',
    ]);
    expect(problemsOf('dev', { data: { sql: { backupRetainedCount: 400 } } })).toEqual([
      'config/environments/dev.yaml: data.sql.backupRetainedCount (400) is outside 1-365, the number of automated backups Cloud SQL can keep. Fix: use a count in that range (seed: 30)',
    ]);
  });

  it('rejects log retention beyond the edition limit', () => {
    expect(problemsOf('dev', { data: { sql: { logRetentionDays: 8 } } })).toEqual([
      'config/environments/dev.yaml: data.sql.logRetentionDays (8) is outside 1-7, the days of binary logs Cloud SQL ENTERPRISE keeps for point-in-time recovery. Fix: use 1-7 days (seed: 7)',
    ]);
    expect(
      problemsOf('dev', { data: { sql: { edition: 'ENTERPRISE_PLUS', logRetentionDays: 36 } } }),
    ).toEqual([
      'config/environments/dev.yaml: data.sql.logRetentionDays (36) is outside 1-35, the days of binary logs Cloud SQL ENTERPRISE_PLUS keeps for point-in-time recovery. Fix: use 1-35 days (seed: 7)',
    ]);
  });

  it('needs a DR region for the cross-region replica', () => {
    expect(problemsOf('dev', { data: { sql: { crossRegionReplica: true } } })).toEqual([
      'config/environments/dev.yaml: data.sql.crossRegionReplica (true) needs a drRegion for the replica. Fix: set drRegion (seed: "us-east1") or turn crossRegionReplica off',
    ]);
  });

  it('rejects a DR region equal to the primary and an invalid DR region', () => {
    expect(problemsOf('prod', { drRegion: 'us-central1' })).toEqual([
      'config/environments/prod.yaml: drRegion ("us-central1") equals region. Fix: pick a DR region other than the primary region',
    ]);
    expect(problemsOf('prod', { drRegion: 'us-moon1' })).toEqual([
      'config/environments/prod.yaml: drRegion ("us-moon1") is not a region this project supports. Fix: use one of us-central1, us-east1, us-east4, us-west1, us-west4, europe-west1, europe-west4, asia-southeast1',
    ]);
  });

  it('rejects duplicate secret ids and bad ones', () => {
    // Other stacks' rules want the default secrets, so the variants keep them.
    const withExtra = (id: string) => ({ data: { secrets: [...DEFAULT_SECRETS, { id, description: 'x' }] } });
    expect(problemsOf('dev', withExtra('hf-token'))).toEqual([
      'config/environments/dev.yaml: data.secrets.3.id ("hf-token") is listed twice. Fix: give each secret its own id',
    ]);
    expect(problemsOf('dev', withExtra('hf token'))).toEqual([
      'config/environments/dev.yaml: data.secrets.3.id ("hf token") is not a secret id. Fix: up to 255 letters, digits, "-" and "_"',
    ]);
  });
});
