import { z } from 'zod';
import { GPU_IDS, MACHINE_TYPES } from '../../catalog/gpus';
import { GpuShape, PRESET_IDS, PRESETS } from '../../catalog/presets';
import { projectId, report, show } from '../rules';

/**
 * Ways to get a GPU pool's capacity, tried in order (GKE custom compute class priorities): a reservation by name,
 * on-demand, flex-start (Dynamic Workload Scheduler, up to 7 days per VM) and spot, each optionally on another
 * node shape the fit rule accepts for the pool's models.
 */
export const PROVISIONING = ['reservation', 'on-demand', 'flex-start', 'spot'] as const;
export type Provisioning = (typeof PROVISIONING)[number];

/** Short names of the extra node pools: `<pool>-<suffix>`. */
const POOL_SUFFIX: Readonly<Record<Provisioning, string>> = {
  reservation: 'rsv',
  'on-demand': 'od',
  'flex-start': 'flex',
  spot: 'spot',
};

/** GKE node pool names: 40 characters at most. */
const MAX_POOL_NAME = 40;

// https://cloud.google.com/compute/docs/instances/reservations-overview: RFC 1035 names of up to 63 characters.
const reservationName = z.string().regex(/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, {
  error: (issue) =>
    `(${show(issue.input)}) is not a reservation name. Fix: up to 63 lowercase letters, digits and "-", starting with a letter`,
});

/** One way to get capacity: a bare provisioning model (`spot`) or an object with a reservation or another shape. */
export const capacityOptionSchema = z.preprocess(
  (value, ctx) => {
    if (typeof value !== 'string') return value;
    if (!(PROVISIONING as readonly string[]).includes(value)) {
      report(
        ctx,
        [],
        `(${show(value)}) is not a way to get capacity. Fix: use ${PROVISIONING.join(', ')}, or an object such as { provisioning: reservation, reservation: <name> }`,
      );
      return z.NEVER;
    }
    return { provisioning: value };
  },
  z.strictObject({
    provisioning: z.enum(PROVISIONING),
    /** Reservation to consume (provisioning "reservation" only). */
    reservation: reservationName.optional(),
    /** Project owning a shared reservation. @default the environment's project */
    reservationProject: projectId.optional(),
    /** Another node shape for this option (same GPU count). @default the pool's shape */
    preset: z.enum(PRESET_IDS).optional(),
    /** @default the option's preset's, else the pool's */
    machineType: z.string().min(1).optional(),
    /** @default the option's preset's, else the pool's */
    gpu: z.enum(GPU_IDS).optional(),
    /** @default the option's preset's, else the pool's */
    gpuCount: z.number().int().min(1).max(16).optional(),
  }),
);

/** Ordered capacity options; the first is the pool's own nodes, the rest are fallbacks. */
export const capacitySchema = z.array(capacityOptionSchema).min(1);

export type CapacityOptionConfig = z.output<typeof capacityOptionSchema>;

/** A resolved capacity option: what GKE tries, on which node shape, from which node pool. */
export interface CapacityOption extends GpuShape {
  readonly provisioning: Provisioning;
  /** Reservation to consume, `projects/<p>/reservations/<name>` for a shared one. */
  readonly reservation?: string;
  /** Node pool serving it (Standard): the pool's own name for the first option, `<pool>-<suffix>` after it. */
  readonly nodePoolName: string;
  /** Config path of the option, for messages (`gke.gpuPools.0.capacity.1`). */
  readonly path: readonly (string | number)[];
  /** The option's own fields, to blame the one the user wrote. */
  readonly config: CapacityOptionConfig;
}

/** A node shape laid over `base`: a preset, then any of machineType, gpu, gpuCount. */
export function shapeOf(
  fields: Pick<CapacityOptionConfig, 'preset' | 'machineType' | 'gpu' | 'gpuCount'>,
  base: Partial<GpuShape>,
): Partial<GpuShape> {
  const preset = fields.preset ? PRESETS[fields.preset] : undefined;
  return {
    machineType: fields.machineType ?? preset?.machineType ?? base.machineType,
    gpu: fields.gpu ?? preset?.gpu ?? base.gpu,
    gpuCount: fields.gpuCount ?? preset?.gpuCount ?? base.gpuCount,
  };
}

/**
 * The pool's options with shapes and node pool names. Without a capacity list anywhere, the pool's `spot` says
 * which single option it is (the pre-fallback behaviour).
 */
export function resolveCapacity(
  poolName: string,
  shape: GpuShape,
  list: readonly CapacityOptionConfig[] | undefined,
  listPath: readonly (string | number)[],
  spot: boolean | undefined,
): CapacityOption[] {
  const options = list ?? [{ provisioning: spot ? 'spot' : 'on-demand' } as CapacityOptionConfig];
  const names = new Set<string>();
  return options.map((option, index) => {
    const own = shapeOf(option, shape) as GpuShape;
    // Another shape shows in the name: its GPU, or its machine type for the same GPU.
    const other =
      own.gpu !== shape.gpu
        ? `-${own.gpu}`
        : own.machineType !== shape.machineType
          ? `-${own.machineType}`
          : '';
    const base = `${poolName}-${POOL_SUFFIX[option.provisioning]}${other}`;
    const nodePoolName = index === 0 ? poolName : names.has(base) ? `${base}-${index + 1}` : base;
    names.add(nodePoolName);
    return {
      ...own,
      provisioning: option.provisioning,
      reservation:
        option.reservation && option.reservationProject
          ? `projects/${option.reservationProject}/reservations/${option.reservation}`
          : option.reservation,
      nodePoolName,
      path: list ? [...listPath, index] : [],
      config: option,
    };
  });
}

interface CapacityRulesInput {
  readonly options: readonly CapacityOption[];
  /** The pool's own shape: every option keeps its GPU count (one replica's tensor-parallel size). */
  readonly shape: GpuShape;
  readonly minNodes: number;
  /** `spot` as set on the pool or in gpuPoolDefaults, and where. @default not set */
  readonly spot?: { readonly value: boolean; readonly path: readonly (string | number)[] };
  readonly listPath?: readonly (string | number)[];
  /** Names already taken by other pools. */
  readonly taken: Set<string>;
  /** Config path of the pool's name: fallback pools are named after it. */
  readonly namePath: readonly (string | number)[];
}

/**
 * Rules of one pool's capacity list that need no model: reservation fields, flex-start support, GPU count, node
 * pool names. Shapes are checked by the caller (the same rules as the pool's own shape); models by the fit rule.
 */
export function checkCapacity(ctx: z.RefinementCtx, input: CapacityRulesInput): void {
  const { options, shape } = input;
  if (input.spot && input.listPath) {
    report(
      ctx,
      [...input.spot.path],
      `(${input.spot.value}) is set together with ${input.listPath.join('.')}, which already says when spot is used. Fix: remove spot and put "spot" in the capacity list where it should be tried (e.g. [spot, on-demand] for dev)`,
    );
  }
  const seen = new Set<string>();
  options.forEach((option, index) => {
    const at = (field?: string) => [...option.path, ...(field ? [field] : [])];
    const { config } = option;
    if (config.provisioning === 'reservation' && !config.reservation) {
      report(
        ctx,
        at('reservation'),
        `is missing for provisioning "reservation". Fix: name the Compute Engine reservation (gcloud compute reservations list), or use on-demand`,
      );
    }
    if (config.provisioning !== 'reservation' && (config.reservation || config.reservationProject)) {
      report(
        ctx,
        at(config.reservation ? 'reservation' : 'reservationProject'),
        `(${show(config.reservation ?? config.reservationProject)}) is set for provisioning ${show(config.provisioning)}, which consumes no reservation. Fix: set provisioning "reservation", or remove it`,
      );
    }
    const machine = MACHINE_TYPES[option.machineType];
    if (config.provisioning === 'flex-start' && machine && !machine.flexStart) {
      report(
        ctx,
        at('provisioning'),
        `("flex-start") needs an accelerator-optimized machine (A2, A3, G2), but ${option.machineType} is N1 with attached GPUs. Fix: use on-demand or spot for this shape, or a G2/A2 shape`,
      );
    }
    if (config.provisioning === 'flex-start' && index === 0 && input.minNodes > 0) {
      report(
        ctx,
        at('provisioning'),
        `("flex-start") is the first choice, but flex-start pools start empty and GKE recycles their nodes within 7 days, so minNodes ${input.minNodes} cannot be kept. Fix: put on-demand or a reservation first, or set minNodes 0`,
      );
    }
    if (option.gpuCount !== shape.gpuCount) {
      report(
        ctx,
        at(config.gpuCount !== undefined ? 'gpuCount' : config.preset ? 'preset' : 'machineType'),
        `(${show(config.gpuCount ?? config.preset ?? config.machineType)}) gives ${option.gpuCount} GPUs per node, the pool ${shape.gpuCount}: a replica's tensor-parallel size is fixed for every option. Fix: pick a shape with ${shape.gpuCount} GPU(s)`,
      );
    }
    const key = `${option.provisioning}|${option.reservation ?? ''}|${option.machineType}|${option.gpu}`;
    if (seen.has(key)) {
      report(
        ctx,
        at(),
        `(${show(config)}) repeats an earlier option. Fix: list each way to get capacity once`,
      );
    }
    seen.add(key);
    if (index === 0) return;
    const long = option.nodePoolName.length > MAX_POOL_NAME;
    if (long || input.taken.has(option.nodePoolName)) {
      report(
        ctx,
        [...input.namePath],
        `(${show(options[0].nodePoolName)}) names the node pool of capacity option ${index} (${option.provisioning}) ${show(option.nodePoolName)}, which ${long ? `is longer than ${MAX_POOL_NAME} characters` : 'is already the name of another pool'}. Fix: ${long ? `shorten the pool name by ${option.nodePoolName.length - MAX_POOL_NAME} characters` : 'rename one of the pools'}`,
      );
    }
    input.taken.add(option.nodePoolName);
  });
}
