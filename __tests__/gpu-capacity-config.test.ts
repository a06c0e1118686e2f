import { loadEnvironment } from '../config/load';
import { gpuPoolsOf, IMAGE_CACHE_OFF } from '../config/sections/gke';
import { loadVariant, problemsOf } from './support/env-files';

const DEV = 'config/environments/dev.yaml';
const STAGING = 'config/environments/staging.yaml';
const PROD = 'config/environments/prod.yaml';
const SMALL = { name: 'gpu-small', preset: 'l4' };
const A100_1G = { machineType: 'a2-highgpu-1g', gpu: 'a100-40gb', gpuCount: 1 };

describe('gpu capacity: every GPU model in every tier has two ways to get capacity', () => {
  it.each(['dev', 'staging', 'prod'])('%s: every pool serving a model has at least two options', (env) => {
    const { config } = loadEnvironment(env);
    const pools = gpuPoolsOf(config.gke);
    const served = config.inference!.models.map((m) => pools.find((p) => p.name === m.pool)!);
    expect(served.length).toBeGreaterThan(0);
    for (const pool of served) expect(pool.capacity.length).toBeGreaterThanOrEqual(2);
  });

  it('resolves reservation, flex-start and another shape into named node pools', () => {
    const { loaded } = loadVariant('staging', {
      gke: {
        gpuPoolDefaults: {
          capacity: [
            { provisioning: 'reservation', reservation: 'l4-res', reservationProject: 'afpi-shared' },
            'on-demand',
            'flex-start',
            'spot',
            { provisioning: 'on-demand', ...A100_1G },
          ],
        },
      },
    });
    const [pool] = gpuPoolsOf(loaded!.config.gke);
    expect(pool.capacity.map((o) => [o.provisioning, o.nodePoolName, o.gpu, o.reservation])).toEqual([
      ['reservation', 'gpu-small', 'l4', 'projects/afpi-shared/reservations/l4-res'],
      ['on-demand', 'gpu-small-od', 'l4', undefined],
      ['flex-start', 'gpu-small-flex', 'l4', undefined],
      ['spot', 'gpu-small-spot', 'l4', undefined],
      ['on-demand', 'gpu-small-od-a100-40gb', 'a100-40gb', undefined],
    ]);
  });

  it('keeps the single-option behaviour of spot without a capacity list', () => {
    const { loaded } = loadVariant('prod', { gke: { gpuPoolDefaults: { capacity: undefined } } }, {});
    // prod inherits the enterprise list; a pool with its own list wins over the defaults.
    const pools = gpuPoolsOf(loaded!.config.gke);
    expect(pools[0].capacity.map((o) => o.provisioning)).toEqual(['on-demand', 'flex-start', 'spot']);
  });
});

describe('gpu capacity: bad input names file, field, value and fix', () => {
  it('refuses spot together with a capacity list', () => {
    expect(problemsOf('staging', { gke: { gpuPoolDefaults: { spot: true } } })).toEqual([
      `${STAGING}: gke.gpuPoolDefaults.spot (true) is set together with gke.gpuPoolDefaults.capacity, which already says when spot is used. Fix: remove spot and put "spot" in the capacity list where it should be tried (e.g. [spot, on-demand] for dev)`,
    ]);
  });

  it('refuses an unknown provisioning model', () => {
    expect(problemsOf('dev', { gke: { gpuPoolDefaults: { capacity: ['ondemand'] } } })).toEqual([
      `${DEV}: gke.gpuPoolDefaults.capacity.0 ("ondemand") is not a way to get capacity. Fix: use reservation, on-demand, flex-start, spot, or an object such as { provisioning: reservation, reservation: <name> }`,
    ]);
  });

  it('refuses a reservation option without a name, and a reservation name on spot', () => {
    expect(
      problemsOf('dev', {
        gke: { gpuPoolDefaults: { capacity: ['reservation', { provisioning: 'spot', reservation: 'r1' }] } },
      }),
    ).toEqual([
      `${DEV}: gke.gpuPoolDefaults.capacity.0.reservation is missing for provisioning "reservation". Fix: name the Compute Engine reservation (gcloud compute reservations list), or use on-demand`,
      `${DEV}: gke.gpuPoolDefaults.capacity.1.reservation ("r1") is set for provisioning "spot", which consumes no reservation. Fix: set provisioning "reservation", or remove it`,
    ]);
  });

  it('refuses flex-start on N1 (T4/V100 attached), and flex-start first with a node floor', () => {
    const t4Pool = { name: 'gpu-t4', preset: 'small', capacity: ['on-demand', 'flex-start'] };
    expect(
      problemsOf('staging', { inference: { engines: ['vllm'] }, gke: { gpuPools: [SMALL, t4Pool] } }),
    ).toEqual([
      `${STAGING}: gke.gpuPools.1.capacity.1.provisioning ("flex-start") needs an accelerator-optimized machine (A2, A3, G2), but n1-standard-4 is N1 with attached GPUs. Fix: use on-demand or spot for this shape, or a G2/A2 shape`,
    ]);
    expect(problemsOf('staging', { gke: { gpuPoolDefaults: { capacity: ['flex-start', 'spot'] } } })).toEqual(
      [
        `${STAGING}: gke.gpuPoolDefaults.capacity.0.provisioning ("flex-start") is the first choice, but flex-start pools start empty and GKE recycles their nodes within 7 days, so minNodes 1 cannot be kept. Fix: put on-demand or a reservation first, or set minNodes 0`,
      ],
    );
  });

  it('refuses a fallback shape with another GPU count, and a repeated option', () => {
    expect(
      problemsOf('staging', {
        gke: {
          gpuPoolDefaults: {
            capacity: ['on-demand', { provisioning: 'spot', preset: 'large' }, 'on-demand'],
          },
        },
      }),
    ).toEqual(
      expect.arrayContaining([
        `${STAGING}: gke.gpuPoolDefaults.capacity.1.preset ("large") gives 2 GPUs per node, the pool 1: a replica's tensor-parallel size is fixed for every option. Fix: pick a shape with 1 GPU(s)`,
        `${STAGING}: gke.gpuPoolDefaults.capacity.2 ({"provisioning":"on-demand"}) repeats an earlier option. Fix: list each way to get capacity once`,
      ]),
    );
  });

  it('refuses a fallback shape the catalog does not know, with the pool-shape message', () => {
    expect(
      problemsOf('staging', {
        gke: {
          gpuPoolDefaults: {
            capacity: ['on-demand', { provisioning: 'spot', machineType: 'g2-standard-8', gpu: 't4' }],
          },
        },
      }),
    ).toEqual([
      `${STAGING}: gke.gpuPoolDefaults.capacity.1.gpu ("t4") puts t4 on g2-standard-8, which carries only l4. Fix: use l4 on g2-standard-8, or a machine type that carries t4: n1-standard-4, n1-standard-8, n1-standard-16, n1-standard-32`,
    ]);
  });

  it('refuses a fallback node pool name longer than GKE allows or taken by another pool', () => {
    const long = 'gpu-' + 'x'.repeat(34);
    expect(problemsOf('staging', { gke: { gpuPools: [SMALL, { name: long, preset: 'l4' }] } })).toEqual([
      `${STAGING}: gke.gpuPools.1.name ("${long}") names the node pool of capacity option 1 (spot) "${long}-spot", which is longer than 40 characters. Fix: shorten the pool name by 3 characters`,
    ]);
    expect(
      problemsOf('staging', { gke: { gpuPools: [SMALL, { name: 'gpu-small-spot', preset: 'l4' }] } }),
    ).toEqual([
      `${STAGING}: gke.gpuPools.0.name ("gpu-small") names the node pool of capacity option 1 (spot) "gpu-small-spot", which is already the name of another pool. Fix: rename one of the pools`,
    ]);
  });

  it('refuses an image cache on Autopilot, which has no node pools of ours', () => {
    const image = 'projects/afpi-dev/global/images/engine-cache-v1';
    expect(problemsOf('dev', { gke: { mode: 'autopilot', imageCacheDiskImage: image } })).toEqual([
      `${DEV}: gke.imageCacheDiskImage ("${image}") is attached to Standard node pools, and Autopilot has none of ours. Fix: remove it, or use gke.mode "standard"`,
    ]);
  });

  it('refuses an image cache that is not a Compute Engine image path', () => {
    expect(problemsOf('dev', { gke: { imageCacheDiskImage: 'gs://bucket/image.tar' } })).toEqual([
      `${DEV}: gke.imageCacheDiskImage ("gs://bucket/image.tar") is not a Compute Engine image path. Fix: write "projects/<project>/global/images/<name>" (docs/runbooks/image-cache-disk.md builds it)`,
    ]);
  });
});

describe('gpu capacity: the fit rule over every fallback shape', () => {
  it('refuses a fallback GPU an engine image cannot run on (TGI on T4), naming the option', () => {
    const t4 = { provisioning: 'spot', machineType: 'n1-standard-8', gpu: 't4', gpuCount: 1 };
    expect(problemsOf('staging', { gke: { gpuPoolDefaults: { capacity: ['on-demand', t4] } } })).toEqual([
      `${STAGING}: gke.gpuPoolDefaults.capacity.1.gpu ("t4"): inference.models.0 (mistral-7b-instruct-v0.2) falls back to gpu-small-spot-t4, where image "ghcr.io/huggingface/text-generation-inference:3.3.5" (inference.images.tgi) cannot run on T4 (compute capability 7.5): TGI's flash-attention kernels need compute capability 8.0 (Ampere) or higher (huggingface/text-generation-inference#2456). Fix: give this option a GPU tgi runs on (L4, A100 40 GB, A100 80 GB, H100 80 GB), or remove the option`,
    ]);
  });

  it('refuses a fallback shape that cannot hold the model', () => {
    // 70B AWQ needs ~40 GB: 2x A100 40 GB holds it, 2x L4 (48 GB at 0.9 = 43.2) too, 2x T4 (28.8) does not.
    const t4x2 = { provisioning: 'spot', machineType: 'n1-standard-16', gpu: 't4', gpuCount: 2 };
    const problems = problemsOf('prod', {
      inference: { engines: ['vllm'] },
      gke: { gpuPools: [SMALL, { name: 'gpu-large', preset: 'large', capacity: ['on-demand', t4x2] }] },
    });
    expect(problems).toContain(
      `${PROD}: gke.gpuPools.1.capacity.1.gpu ("t4") does not fit: Llama-2-70B-chat at awq needs ~39 GB; pool gpu-large-spot-t4 (2x T4) gives 28.8 GB at 0.9. Fix: a pool with 1x A100 80 GB`,
    );
  });

  it('refuses a fallback machine too small for the engine pod sized from the pool', () => {
    const small = { provisioning: 'spot', machineType: 'g2-standard-4', gpu: 'l4', gpuCount: 1 };
    const problems = problemsOf('staging', { gke: { gpuPoolDefaults: { capacity: ['on-demand', small] } } });
    expect(problems).toEqual([
      expect.stringContaining(
        `${STAGING}: gke.gpuPoolDefaults.capacity.1.machineType ("g2-standard-4"): inference.models.0 (mistral-7b-instruct-v0.2) falls back to gpu-small-spot-g2-standard-4, but an engine pod does not fit a g2-standard-4 node`,
      ),
    ]);
  });

  it('accepts a second GPU both engines run on that holds the model (A100 40 GB behind L4)', () => {
    const { loaded, problems } = loadVariant('staging', {
      gke: {
        gpuPoolDefaults: { capacity: ['on-demand', 'spot', { provisioning: 'on-demand', ...A100_1G }] },
      },
    });
    expect(problems).toBeUndefined();
    expect(gpuPoolsOf(loaded!.config.gke)[0].capacity).toHaveLength(3);
  });
});

describe('image cache disk note', () => {
  it('says the image cache is off for every environment with GPU pools, and not once it is set', () => {
    for (const env of ['dev', 'staging', 'prod'])
      expect(loadEnvironment(env).notes).toContain(IMAGE_CACHE_OFF);
    const { loaded } = loadVariant('dev', {
      gke: { imageCacheDiskImage: 'projects/afpi-dev/global/images/engine-cache-v1' },
    });
    expect(loaded!.notes).not.toContain(IMAGE_CACHE_OFF);
    expect(loadEnvironment('prod', { tier: 'growth' }).notes).not.toContain(IMAGE_CACHE_OFF);
  });
});
