import { loadEnvironment } from '../config/load';
import { gpuPoolsOf } from '../config/sections/gke';
import { loadVariant, problemsOf } from './support/env-files';

const DEV = 'config/environments/dev.yaml';
/** The tier's pool, kept so the inference section's model still has its pool. */
const SMALL = { name: 'gpu-small', preset: 'l4' };

describe('gke config: tier presets', () => {
  it('gives growth a CPU pool of 3-10 n1-standard-4 and no GPU pool', () => {
    const { gke } = loadEnvironment('prod', { tier: 'growth' }).config;
    expect(gke?.cpuPool).toEqual({
      machineType: 'n1-standard-4',
      minNodes: 3,
      maxNodes: 10,
      diskSizeGb: 100,
      spot: false,
    });
    expect(gke?.gpuPools).toEqual([]);
  });

  it('gives scale an L4 GPU pool (the seed T4 runs neither engine: catalog/engines.ts), 1-5 nodes, 100 GB, on-demand then spot', () => {
    const [pool] = gpuPoolsOf(loadEnvironment('staging').config.gke);
    expect(pool).toEqual(
      expect.objectContaining({
        name: 'gpu-small',
        preset: 'l4',
        machineType: 'g2-standard-8',
        gpu: 'l4',
        gpuCount: 1,
        minNodes: 1,
        maxNodes: 5,
        diskSizeGb: 100,
      }),
    );
    expect(pool.capacity.map((o) => [o.provisioning, o.nodePoolName, o.machineType])).toEqual([
      ['on-demand', 'gpu-small', 'g2-standard-8'],
      ['spot', 'gpu-small-spot', 'g2-standard-8'],
    ]);
  });

  it('gives enterprise the small and the large pool, release channel STABLE, standard mode', () => {
    const { gke } = loadEnvironment('prod').config;
    expect(gke).toEqual(
      expect.objectContaining({ mode: 'standard', releaseChannel: 'STABLE', deletionProtection: true }),
    );
    expect(
      gpuPoolsOf(gke).map((p) => [
        p.name,
        p.machineType,
        p.gpu,
        p.gpuCount,
        p.capacity.map((o) => o.provisioning),
      ]),
    ).toEqual([
      ['gpu-small', 'g2-standard-8', 'l4', 1, ['on-demand', 'flex-start', 'spot']],
      ['gpu-large', 'a2-highgpu-2g', 'a100-40gb', 2, ['on-demand', 'flex-start', 'spot']],
    ]);
  });

  it('runs dev on spot nodes with GPU pools that scale to zero', () => {
    const { gke } = loadEnvironment('dev').config;
    expect(gke?.cpuPool).toEqual(expect.objectContaining({ minNodes: 1, maxNodes: 3, spot: true }));
    const [pool] = gpuPoolsOf(gke);
    expect(pool).toEqual(expect.objectContaining({ minNodes: 0, maxNodes: 2 }));
    expect(pool.capacity.map((o) => o.provisioning)).toEqual(['spot', 'on-demand']);
  });

  it('requires the gke section with the gke-gpu stack', () => {
    const stacks = ['state', 'network', 'data', 'cloud-run', 'gke-gpu', 'observability'];
    expect(problemsOf('staging', { tier: 'startup', stacks })).toEqual([
      `config/environments/staging.yaml: gke is missing while stacks has "gke-gpu". Fix: add a gke section (see config/tiers/scale.yaml)`,
    ]);
  });

  it('drops the gke section for a tier without the stack', () => {
    const { config, notes } = loadEnvironment('dev', { tier: 'startup' });
    expect(config.gke).toBeUndefined();
    expect(notes).toContain(
      'AFPI_TIER=startup: ignored dev\'s "gke" settings (tier startup has no gke-gpu stack)',
    );
  });
});

describe('gke config: bad input', () => {
  it('refuses a GPU the machine type cannot carry', () => {
    expect(
      problemsOf('dev', { gke: { gpuPools: [{ name: 'gpu-small', preset: 'small', gpu: 'a100-40gb' }] } }),
    ).toEqual([
      `${DEV}: gke.gpuPools.0.gpu ("a100-40gb") puts a100-40gb on n1-standard-4, which carries only t4, v100. Fix: use t4 or v100 on n1-standard-4, or a machine type that carries a100-40gb: a2-highgpu-1g, a2-highgpu-2g, a2-highgpu-4g, a2-highgpu-8g`,
    ]);
  });

  it('refuses a GPU count the machine type does not take', () => {
    const pool = { name: 'gpu-v100', machineType: 'n1-standard-16', gpu: 'v100', gpuCount: 1 };
    expect(problemsOf('dev', { gke: { gpuPools: [SMALL, pool] } })).toEqual([
      `${DEV}: gke.gpuPools.1.gpuCount (1) gives 1x v100 on n1-standard-16, which takes 2, 4, 8. Fix: set gpuCount to 2 or 4 or 8, or pick a machine type for 1x v100`,
    ]);
  });

  it('refuses a machine type the catalog does not know', () => {
    const pool = { name: 'gpu-x', preset: 'small', machineType: 'n2-standard-4' };
    expect(problemsOf('dev', { gke: { gpuPools: [SMALL, pool] } })).toEqual([
      `${DEV}: gke.gpuPools.1.machineType ("n2-standard-4") is not a GPU machine type in the catalog. Fix: use one that carries t4: n1-standard-4, n1-standard-8, n1-standard-16, n1-standard-32`,
    ]);
  });

  it('refuses a GPU no zone of the region offers', () => {
    expect(
      problemsOf('dev', {
        region: 'us-east4',
        gke: { gpuPools: [SMALL, { name: 'gpu-medium', preset: 'medium' }] },
      }),
    ).toEqual([
      `${DEV}: gke.gpuPools.1.preset ("medium") needs v100, which no zone of us-east4 offers. Fix: use a GPU offered in us-east4 (t4, l4, a100-80gb, h100-80gb), or a region with v100 (us-central1, us-east1, us-west1, europe-west4)`,
    ]);
  });

  it('refuses V100 on Autopilot', () => {
    expect(
      problemsOf('dev', {
        gke: { mode: 'autopilot', gpuPools: [SMALL, { name: 'gpu-medium', preset: 'medium' }] },
      }),
    ).toEqual([
      `${DEV}: gke.gpuPools.1.preset ("medium") needs v100, which GKE Autopilot does not offer. Fix: use t4, l4, a100-40gb, a100-80gb, h100-80gb, or gke.mode "standard"`,
    ]);
  });

  it('refuses min above max nodes, on the CPU pool, the GPU defaults and a GPU pool', () => {
    expect(problemsOf('dev', { gke: { cpuPool: { minNodes: 5 } } })).toEqual([
      `${DEV}: gke.cpuPool.minNodes (5) is above maxNodes (3). Fix: lower minNodes or raise maxNodes`,
    ]);
    expect(problemsOf('dev', { gke: { gpuPoolDefaults: { minNodes: 3 } } })).toEqual([
      `${DEV}: gke.gpuPoolDefaults.minNodes (3) is above maxNodes (2). Fix: lower minNodes or raise maxNodes`,
    ]);
    expect(
      problemsOf('dev', { gke: { gpuPools: [{ name: 'gpu-small', preset: 'l4', minNodes: 6 }] } }),
    ).toEqual([
      `${DEV}: gke.gpuPools.0.minNodes (6) is above maxNodes (2). Fix: lower minNodes or raise maxNodes`,
    ]);
    expect(
      problemsOf('staging', {
        gke: { gpuPoolDefaults: { minNodes: 2 }, gpuPools: [{ ...SMALL, maxNodes: 1 }] },
      }),
    ).toContain(
      "config/environments/staging.yaml: gke.gpuPools.0.maxNodes (1) is below minNodes (2, from gpuPoolDefaults). Fix: raise maxNodes or set the pool's minNodes",
    );
  });

  it('refuses GPU pools in a tier without GPUs (growth)', () => {
    expect(
      problemsOf('dev', { gke: { gpuPools: [{ name: 'gpu-small', preset: 'small' }] } }, { tier: 'growth' }),
    ).toEqual([
      `${DEV}: gke.gpuPools (["gpu-small"]) is set but tier growth runs CPU pools only. Fix: remove gpuPools, or use tier scale or enterprise`,
    ]);
  });

  it('refuses a model that does not fit its pool (fit rule through the inference section)', () => {
    const model = {
      name: 'llama-2-70b-chat',
      pool: 'gpu-large',
      precision: 'fp16',
      maxModelLen: 4096,
      maxReplicas: 2,
    };
    const models = [
      model,
      { name: 'mistral-7b-instruct-v0.2', pool: 'gpu-small', precision: 'awq', maxReplicas: 2 },
    ];
    expect(problemsOf('prod', { inference: { models } })).toEqual([
      'config/environments/prod.yaml: inference.models.0.name ("llama-2-70b-chat") does not fit: Llama-2-70B-chat at fp16 needs ~153 GB; pool gpu-large (2x A100 40 GB) gives 72 GB at 0.9. Fix: use awq, or a pool with 4x A100 80 GB',
    ]);
  });

  it('refuses a pool without preset or a full shape, and a duplicate name', () => {
    expect(
      problemsOf('dev', { gke: { gpuPools: [SMALL, { name: 'gpu-x', machineType: 'n1-standard-4' }] } }),
    ).toEqual([
      `${DEV}: gke.gpuPools.1.gpu is missing and the pool names no preset. Fix: set preset (small, medium, large, l4) or all of machineType, gpu and gpuCount`,
    ]);
    expect(problemsOf('dev', { gke: { gpuPools: [SMALL, { name: 'cpu', preset: 'small' }] } })).toEqual([
      `${DEV}: gke.gpuPools.1.name ("cpu") is already used by another pool. Fix: give each pool its own name ("cpu" is the CPU pool's)`,
    ]);
  });

  it('refuses a control plane range that is not a /28 or overlaps the VPC', () => {
    expect(problemsOf('dev', { gke: { masterIpv4CidrBlock: '172.16.0.0/24' } })).toEqual([
      `${DEV}: gke.masterIpv4CidrBlock ("172.16.0.0/24") is a /24; GKE requires a /28. Fix: use a /28 such as "172.16.0.0/28"`,
    ]);
    expect(problemsOf('dev', { gke: { masterIpv4CidrBlock: '10.10.0.0/28' } })).toEqual([
      `${DEV}: gke.masterIpv4CidrBlock ("10.10.0.0/28") overlaps network.primary.subnet (10.10.0.0/20). Fix: use a /28 outside the VPC's ranges, such as "172.16.0.0/28"`,
    ]);
  });

  it('refuses a maintenance window GKE would reject (under 48 hours per 32 days)', () => {
    expect(problemsOf('dev', { gke: { maintenanceWindow: { durationHours: 4 } } })).toEqual([
      `${DEV}: gke.maintenanceWindow.durationHours (4) on SA,SU gives 36 hours per 32 days; GKE needs 48. Fix: lengthen the window or add days`,
    ]);
  });
});

describe('gke config: no open door to the control plane', () => {
  const FIX =
    'Fix: list the operator networks themselves (public ranges of /24 or narrower, or private 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 ranges), or set gke.privateEndpoint and deploy from inside the VPC';
  const networks = (...cidrs: string[]) => ({
    gke: { masterAuthorizedNetworks: cidrs.map((cidr, i) => ({ name: `net-${i}`, cidr })) },
  });

  it('refuses 0.0.0.0/0, naming file, field and fix', () => {
    expect(problemsOf('dev', networks('0.0.0.0/0'))).toEqual([
      `${DEV}: gke.masterAuthorizedNetworks.0.cidr ("0.0.0.0/0") opens the control plane endpoint to the whole internet. ${FIX}`,
    ]);
  });

  it('refuses a public range wider than one operator network (/24)', () => {
    expect(problemsOf('dev', networks('203.0.113.0/24', '198.51.0.0/16'))).toEqual([
      `${DEV}: gke.masterAuthorizedNetworks.1.cidr ("198.51.0.0/16") is a public range of 65536 addresses, wider than one operator network (/24). ${FIX}`,
    ]);
  });

  it('refuses a range that only starts inside a private block', () => {
    expect(problemsOf('dev', networks('10.0.0.0/7'))).toEqual([
      `${DEV}: gke.masterAuthorizedNetworks.0.cidr ("10.0.0.0/7") is a public range of 33554432 addresses, wider than one operator network (/24). ${FIX}`,
    ]);
  });

  it('accepts private ranges of any size and single public networks', () => {
    const { loaded, problems } = loadVariant(
      'dev',
      networks('10.0.0.0/8', '172.16.0.0/12', '192.168.10.0/24', '203.0.113.0/24', '198.51.100.7/32'),
    );
    expect(problems).toBeUndefined();
    expect(loaded?.config.gke?.masterAuthorizedNetworks).toHaveLength(5);
  });
});
