import { parse } from 'yaml';
import { IMAGE_CACHE_OFF } from '../config/sections/gke';
import { loadVariant } from './support/env-files';
import { resourcesOf, synthApp, synthEnvironment, SynthesizedStack } from './support/synth';

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CLASS_KEY = 'cloud.google.com/compute-class';

function pools(stack: SynthesizedStack | undefined): Record<string, Values> {
  return Object.fromEntries(
    resourcesOf(stack, 'google_container_node_pool').map((p) => [p.name, p as Values]),
  );
}

function releaseValues(stack: SynthesizedStack | undefined, name: string): Values {
  const found = resourcesOf(stack, 'helm_release').find((r) => r.name === name);
  if (!found) throw new Error(`no helm_release ${name}`);
  return parse((found.values as string[])[0]);
}

describe('capacity fallback: node pools (gke-gpu)', () => {
  const prod = synthEnvironment('prod');
  const staging = synthEnvironment('staging');

  it('creates one node pool per capacity option, fallbacks starting empty with the pool ceiling', () => {
    const all = pools(prod['gke-gpu']);
    expect(Object.keys(all).sort()).toEqual([
      'cpu',
      'gpu-large',
      'gpu-large-flex',
      'gpu-large-spot',
      'gpu-small',
      'gpu-small-flex',
      'gpu-small-spot',
    ]);
    expect(all['gpu-large'].autoscaling).toEqual(expect.objectContaining({ total_min_node_count: 1 }));
    for (const name of ['gpu-large-flex', 'gpu-large-spot']) {
      expect(all[name].autoscaling).toEqual({
        total_min_node_count: 0,
        total_max_node_count: 5,
        location_policy: 'ANY',
      });
      expect(all[name].node_config).toEqual(
        expect.objectContaining({
          machine_type: 'a2-highgpu-2g',
          guest_accelerator: [expect.objectContaining({ type: 'nvidia-tesla-a100', count: 2 })],
        }),
      );
    }
  });

  it('buys each option as configured: on-demand, flex-start without reservations, spot', () => {
    const all = pools(prod['gke-gpu']);
    expect(all['gpu-small'].node_config).toEqual(expect.objectContaining({ spot: false }));
    expect(all['gpu-small'].node_config.flex_start).toBeUndefined();
    expect(all['gpu-small-flex'].node_config).toEqual(
      expect.objectContaining({
        spot: false,
        flex_start: true,
        reservation_affinity: { consume_reservation_type: 'NO_RESERVATION' },
      }),
    );
    expect(all['gpu-small-spot'].node_config).toEqual(expect.objectContaining({ spot: true }));
  });

  it('labels and taints every pool of a class with the class, as GKE requires for manual pools', () => {
    for (const [name, pool] of Object.entries(pools(prod['gke-gpu']))) {
      if (name === 'cpu') {
        expect(pool.node_config.labels).toBeUndefined();
        continue;
      }
      const cls = name.startsWith('gpu-large') ? 'gpu-large' : 'gpu-small';
      expect(pool.node_config.labels).toEqual({ 'nvidia.com/gpu': 'present', [CLASS_KEY]: cls });
      expect(pool.node_config.taint).toContainEqual({ key: CLASS_KEY, value: cls, effect: 'NO_SCHEDULE' });
    }
  });

  it('keeps image streaming on for every GPU pool; no secondary boot disk until one is configured', () => {
    for (const pool of Object.values(pools(staging['gke-gpu']))) {
      expect(pool.node_config.gcfs_config).toEqual({ enabled: true });
      expect(pool.node_config.secondary_boot_disks).toBeUndefined();
    }
  });

  it('attaches the image cache disk to every GPU pool, and a named reservation, when configured', () => {
    const image = 'projects/afpi-staging/global/images/engine-cache-v1';
    const { loaded } = loadVariant('staging', {
      gke: {
        imageCacheDiskImage: image,
        gpuPoolDefaults: {
          capacity: [{ provisioning: 'reservation', reservation: 'l4-res' }, 'on-demand', 'spot'],
        },
      },
    });
    expect(loaded!.notes).not.toContain(IMAGE_CACHE_OFF);
    const all = pools(synthApp(loaded!.config)['gke-gpu']);
    expect(Object.keys(all).sort()).toEqual(['cpu', 'gpu-small', 'gpu-small-od', 'gpu-small-spot']);
    for (const name of ['gpu-small', 'gpu-small-od', 'gpu-small-spot']) {
      expect(all[name].node_config).toEqual(
        expect.objectContaining({
          gcfs_config: { enabled: true },
          secondary_boot_disks: [{ disk_image: image, mode: 'CONTAINER_IMAGE_CACHE' }],
        }),
      );
    }
    expect(all.cpu.node_config.secondary_boot_disks).toBeUndefined();
    expect(all['gpu-small'].node_config.reservation_affinity).toEqual({
      consume_reservation_type: 'SPECIFIC_RESERVATION',
      key: 'compute.googleapis.com/reservation-name',
      values: ['l4-res'],
    });
    expect(all['gpu-small-od'].node_config.reservation_affinity).toBeUndefined();
  });
});

describe('capacity fallback: compute classes (inference)', () => {
  const prod = synthEnvironment('prod');

  it('installs one ComputeClass per GPU pool with the options as ordered node pool priorities', () => {
    const values = releaseValues(prod.inference, 'compute-classes');
    expect(values.classes).toEqual([
      {
        name: 'gpu-small',
        description:
          'GPU pool gpu-small: on-demand g2-standard-8 -> flex-start g2-standard-8 -> spot g2-standard-8',
        priorities: [
          { nodepools: ['gpu-small'] },
          { nodepools: ['gpu-small-flex'] },
          { nodepools: ['gpu-small-spot'] },
        ],
        nodePoolAutoCreation: false,
        whenUnsatisfiable: 'DoNotScaleUp',
        optimizeRulePriority: true,
      },
      expect.objectContaining({
        name: 'gpu-large',
        priorities: [
          { nodepools: ['gpu-large'] },
          { nodepools: ['gpu-large-flex'] },
          { nodepools: ['gpu-large-spot'] },
        ],
      }),
    ]);
  });

  it('installs the classes before the engines, atomically, from the local chart', () => {
    const releases = resourcesOf(prod.inference, 'helm_release');
    const classes = releases.find((r) => r.name === 'compute-classes')!;
    expect(classes).toEqual(
      expect.objectContaining({
        atomic: true,
        wait: true,
        cleanup_on_fail: true,
        chart: expect.stringContaining('compute-classes'),
        namespace: expect.any(String),
      }),
    );
    const engines = releases.filter((r) => r.name === 'vllm' || String(r.name).startsWith('tgi-'));
    expect(engines.length).toBeGreaterThan(1);
    for (const engine of engines) {
      expect(engine.depends_on).toEqual(expect.arrayContaining([expect.stringContaining('compute-classes')]));
    }
  });

  it('gives Autopilot classes machine, GPU and provisioning rules that GKE creates nodes for', () => {
    const { loaded } = loadVariant('staging', {
      gke: {
        mode: 'autopilot',
        gpuPoolDefaults: {
          capacity: [
            { provisioning: 'reservation', reservation: 'l4-res', reservationProject: 'afpi-shared' },
            'on-demand',
            'flex-start',
            'spot',
          ],
        },
      },
    });
    const values = releaseValues(synthApp(loaded!.config).inference, 'compute-classes');
    const gpu = { type: 'nvidia-l4', count: 1, driverVersion: 'latest' };
    expect(values.classes[0]).toEqual(
      expect.objectContaining({
        nodePoolAutoCreation: true,
        priorities: [
          {
            machineType: 'g2-standard-8',
            gpu,
            spot: false,
            reservations: { affinity: 'Specific', specific: [{ name: 'l4-res', project: 'afpi-shared' }] },
          },
          { machineType: 'g2-standard-8', gpu, spot: false },
          { machineType: 'g2-standard-8', gpu, flexStart: { enabled: true } },
          { machineType: 'g2-standard-8', gpu, spot: true },
        ],
      }),
    );
  });
});
