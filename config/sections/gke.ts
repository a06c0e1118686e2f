import { z } from 'zod';
import { checkFit, FitRequest } from '../../catalog/fit';
import {
  countsFor,
  GPU_IDS,
  GPUS,
  GpuId,
  gpusOf,
  MACHINE_TYPES,
  machinesCarrying,
  regionsOffering,
  zonesOffering,
} from '../../catalog/gpus';
import { GpuShape, PRESET_IDS, PresetId } from '../../catalog/presets';
import { cidr, isPrivate, overlaps, parseCidr, PRIVATE_RANGES } from '../cidr';
import { CapacityOption, capacitySchema, checkCapacity, resolveCapacity, shapeOf } from './gpu-capacity';
import { KNOWN_REGIONS, minNotAboveMax, report, show } from '../rules';

/** Tiers whose GKE cluster may have GPU pools (seed: growth runs CPU pools only). */
export const GPU_TIERS = ['scale', 'enterprise'] as const;

/** Node pool names are GKE resource names; `cpu` is the CPU pool's. */
const poolName = z.string().regex(/^[a-z]([a-z0-9-]{0,38}[a-z0-9])?$/, {
  error: (issue) =>
    `(${show(issue.input)}) is not a node pool name. Fix: up to 40 lowercase letters, digits and "-", starting with a letter`,
});

const nodeCount = z.number().int().min(0).max(1000);
const diskSizeGb = z.number().int().min(50).max(65536);

const cpuPoolSchema = z
  .strictObject({
    /** @default "n1-standard-4" (seed) */
    machineType: z.string().min(1).default('n1-standard-4'),
    /** Nodes across all zones. @default 1 */
    minNodes: nodeCount.default(1),
    /** @default 10 (seed: autoscaling 1-10) */
    maxNodes: nodeCount.min(1).default(10),
    /** Boot disk (pd-balanced). @default 100 */
    diskSizeGb: diskSizeGb.default(100),
    /** Spot VMs (up to ~60-91 % cheaper, can be reclaimed at any time). @default false */
    spot: z.boolean().default(false),
  })
  .superRefine((value, ctx) => minNotAboveMax(ctx, value, 'minNodes', 'maxNodes'));

/** Sizes shared by every GPU pool unless the pool sets its own. */
const gpuPoolDefaultsSchema = z
  .strictObject({
    /** Nodes across the pool's zones. @default 1 (seed) */
    minNodes: nodeCount.default(1),
    /** @default 5 (seed: autoscaling 1-5) */
    maxNodes: nodeCount.min(1).default(5),
    /** Boot disk (pd-balanced); model weights are cached here. @default 100 (seed) */
    diskSizeGb: diskSizeGb.default(100),
    /**
     * Spot VMs as the only way to get capacity (a reclaimed GPU node drops in-flight requests); set capacity
     * instead to fall back. @default false
     */
    spot: z.boolean().optional(),
    /**
     * Ways to get each pool's capacity, first choice first (config/sections/gpu-capacity.ts): "reservation"
     * (with reservation), "on-demand", "flex-start", "spot", each optionally on another shape. @default [spot ? spot : on-demand]
     */
    capacity: capacitySchema.optional(),
  })
  .superRefine((value, ctx) => minNotAboveMax(ctx, value, 'minNodes', 'maxNodes'));

/**
 * One GPU pool: a preset from catalog/presets.ts, optionally with its machine type, GPU or count replaced;
 * without a preset all three are required.
 */
const gpuPoolSchema = z.strictObject({
  name: poolName,
  /** Node shape from the catalog (small, medium, large, l4). @default none: set machineType, gpu, gpuCount */
  preset: z.enum(PRESET_IDS).optional(),
  /** @default the preset's */
  machineType: z.string().min(1).optional(),
  /** @default the preset's */
  gpu: z.enum(GPU_IDS).optional(),
  /** GPUs per node (also the tensor-parallel size of a model on this pool). @default the preset's */
  gpuCount: z.number().int().min(1).max(16).optional(),
  /** @default gpuPoolDefaults.minNodes */
  minNodes: nodeCount.optional(),
  /** @default gpuPoolDefaults.maxNodes */
  maxNodes: nodeCount.min(1).optional(),
  /** @default gpuPoolDefaults.diskSizeGb */
  diskSizeGb: diskSizeGb.optional(),
  /** @default gpuPoolDefaults.spot */
  spot: z.boolean().optional(),
  /** @default gpuPoolDefaults.capacity */
  capacity: capacitySchema.optional(),
});

/** A Compute Engine image: `global/images/<name>` or `projects/<project>/global/images/<name>`. */
const diskImage = z
  .string()
  .regex(/^(projects\/[a-z][-a-z0-9]{4,28}[a-z0-9]\/)?global\/images\/[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, {
    error: (issue) =>
      `(${show(issue.input)}) is not a Compute Engine image path. Fix: write "projects/<project>/global/images/<name>" (docs/runbooks/image-cache-disk.md builds it)`,
  });

/**
 * Widest public range an authorized network may be: one operator network (an office, a self-hosted runner pool's
 * NAT). A wider range is other people's addresses; behind the endpoint's IAM, but an open door to its exploits.
 */
export const MAX_PUBLIC_AUTHORIZED_PREFIX = 24;

const authorizedNetwork = z.strictObject({
  /** What the range is, shown in the console. */
  name: z.string().min(1).max(63),
  cidr,
});

const DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** GKE refuses a window giving less than 48 hours of maintenance per 32 days. */
const MIN_MAINTENANCE_HOURS_PER_32_DAYS = 48;

const maintenanceWindowSchema = z
  .strictObject({
    /** Start, UTC, "HH:MM". @default "03:00" */
    startTimeUtc: z
      .string()
      .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, {
        error: (issue) => `(${show(issue.input)}) is not a time of day. Fix: write it as "HH:MM", UTC`,
      })
      .default('03:00'),
    /** @default 6 */
    durationHours: z.number().int().min(4).max(24).default(6),
    /** @default ["SA", "SU"] */
    days: z.array(z.enum(DAYS)).min(1).default(['SA', 'SU']),
  })
  .superRefine((value, ctx) => {
    const hours = Math.floor((value.days.length * value.durationHours * 32) / 7);
    if (hours < MIN_MAINTENANCE_HOURS_PER_32_DAYS) {
      report(
        ctx,
        ['durationHours'],
        `(${value.durationHours}) on ${value.days.join(',')} gives ${hours} hours per 32 days; GKE needs ${MIN_MAINTENANCE_HOURS_PER_32_DAYS}. Fix: lengthen the window or add days`,
      );
    }
  });

export const gkeSection = z.strictObject({
  /** GKE Standard (node pools from config) or Autopilot (Google provisions nodes per pod). @default "standard" */
  mode: z.enum(['standard', 'autopilot']).default('standard'),
  /** @default "REGULAR" */
  releaseChannel: z.enum(['RAPID', 'REGULAR', 'STABLE']).default('REGULAR'),
  /** Recurring window for upgrades. @default Saturdays and Sundays 03:00-09:00 UTC */
  maintenanceWindow: maintenanceWindowSchema.prefault({}),
  /**
   * Control plane reachable only on its private endpoint (deploys must then run inside the VPC). With false,
   * the public endpoint still admits only masterAuthorizedNetworks. @default false
   */
  privateEndpoint: z.boolean().default(false),
  /**
   * Google Managed Prometheus: the GPU saturation alert, the GPU/LLM dashboard and queue-depth autoscaling read
   * its metrics. @default true
   */
  managedPrometheus: z.boolean().default(true),
  /**
   * Ranges allowed to reach the control plane endpoint (e.g. the CI runners' egress): private (RFC 1918) ranges,
   * or public ones no wider than a /24 (MAX_PUBLIC_AUTHORIZED_PREFIX). @default []
   */
  masterAuthorizedNetworks: z.array(authorizedNetwork).default([]),
  /** The control plane's private range; GKE requires a /28 not used elsewhere in the VPC. @default "172.16.0.0/28" */
  masterIpv4CidrBlock: cidr.default('172.16.0.0/28'),
  /** Refuse `terraform destroy` of the cluster. @default true */
  deletionProtection: z.boolean().default(true),
  /** The CPU pool for system and background work (Standard only). @default seed: n1-standard-4, 1-10 nodes */
  cpuPool: cpuPoolSchema.prefault({}),
  /** Sizes applied to every GPU pool that does not set its own. @default 1-5 nodes, 100 GB, no spot */
  gpuPoolDefaults: gpuPoolDefaultsSchema.prefault({}),
  /** GPU pools (scale and enterprise tiers). @default [] */
  gpuPools: z.array(gpuPoolSchema).default([]),
  /**
   * Disk image with the engine images preloaded, attached to every GPU node as a secondary boot disk
   * (CONTAINER_IMAGE_CACHE): no image pull on a new node. @default none (synth prints IMAGE_CACHE_OFF)
   */
  imageCacheDiskImage: diskImage.optional(),
});

export type GkeConfig = z.output<typeof gkeSection>;
type GpuPoolConfig = GkeConfig['gpuPools'][number];

/** A GPU pool with its preset and defaults applied: what the stack builds and models are placed on. */
export interface GpuPool extends GpuShape {
  readonly name: string;
  readonly preset?: PresetId;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly diskSizeGb: number;
  /** Ways to get its nodes, first choice first; the first is the pool's own shape and name unless it says otherwise. */
  readonly capacity: readonly CapacityOption[];
}

/** Where a pool's capacity list comes from: the pool's own, or gpuPoolDefaults'; undefined when neither sets one. */
function capacityPath(pool: GpuPoolConfig, index: number): (string | number)[] {
  return pool.capacity ? ['gke', 'gpuPools', index, 'capacity'] : ['gke', 'gpuPoolDefaults', 'capacity'];
}

/** Applies the preset and gpuPoolDefaults to `pool`; undefined when the shape is incomplete (reported by gkeRules). */
export function resolveGpuPool(
  pool: GpuPoolConfig,
  defaults: GkeConfig['gpuPoolDefaults'],
  index = 0,
): GpuPool | undefined {
  const { machineType, gpu, gpuCount } = shapeOf(pool, {});
  if (machineType === undefined || gpu === undefined || gpuCount === undefined) return undefined;
  const shape = { machineType, gpu, gpuCount };
  return {
    name: pool.name,
    preset: pool.preset,
    machineType,
    gpu,
    gpuCount,
    minNodes: pool.minNodes ?? defaults.minNodes,
    maxNodes: pool.maxNodes ?? defaults.maxNodes,
    diskSizeGb: pool.diskSizeGb ?? defaults.diskSizeGb,
    capacity: resolveCapacity(
      pool.name,
      shape,
      pool.capacity ?? defaults.capacity,
      capacityPath(pool, index),
      pool.spot ?? defaults.spot,
    ),
  };
}

/** What synth says while GPU nodes pull engine images from the registry on every new node. */
export const IMAGE_CACHE_OFF =
  'GPU image cache disk is OFF (no gke.imageCacheDiskImage): every new GPU node pulls the engine images (minutes for vLLM). Fix: build the disk image and set gke.imageCacheDiskImage, see docs/runbooks/image-cache-disk.md';

/** Notes of the gke section: the image cache disk, for clusters with Standard GPU pools. */
export function gkeNotes(config: { stacks: readonly string[]; gke?: GkeConfig }): string[] {
  const gke = config.gke;
  const gpuNodes = config.stacks.includes('gke-gpu') && gke?.mode === 'standard' && gke.gpuPools.length > 0;
  return gpuNodes && gke.imageCacheDiskImage === undefined ? [IMAGE_CACHE_OFF] : [];
}

/** The resolved GPU pools of a validated config (none without a gke section). */
export function gpuPoolsOf(gke: GkeConfig | undefined): GpuPool[] {
  return (gke?.gpuPools ?? []).flatMap(
    (pool, index) => resolveGpuPool(pool, gke!.gpuPoolDefaults, index) ?? [],
  );
}

interface GkeRulesInput {
  readonly tier: string;
  readonly region: string;
  readonly stacks: readonly string[];
  readonly gke?: GkeConfig;
  readonly network?: { readonly primary: { subnet: string; pods: string; services: string } };
}

/** Cross-field rules of the gke section: they need the tier, the region and the network ranges. */
export function gkeRules(config: GkeRulesInput, ctx: z.RefinementCtx): void {
  const hasStack = config.stacks.includes('gke-gpu');
  const gke = config.gke;
  if (!gke) {
    if (hasStack)
      report(
        ctx,
        ['gke'],
        `is missing while stacks has "gke-gpu". Fix: add a gke section (see config/tiers/scale.yaml)`,
      );
    return;
  }
  // Without the stack the section is unused (as the loader does for AFPI_TIER); the stacks rules speak for it.
  if (!hasStack) return;
  gke.masterAuthorizedNetworks.forEach((network, index) => checkAuthorizedNetwork(ctx, network.cidr, index));
  const mask = parseCidr(gke.masterIpv4CidrBlock);
  if (mask && mask.prefixLength !== 28) {
    report(
      ctx,
      ['gke', 'masterIpv4CidrBlock'],
      `(${show(gke.masterIpv4CidrBlock)}) is a /${mask.prefixLength}; GKE requires a /28. Fix: use a /28 such as "172.16.0.0/28"`,
    );
  }
  if (mask && config.network) {
    // The network section checks its own ranges against each other; here only the control plane's range.
    for (const [field, range] of Object.entries(config.network.primary)) {
      const other = parseCidr(range);
      if (other && overlaps(mask, other)) {
        report(
          ctx,
          ['gke', 'masterIpv4CidrBlock'],
          `(${show(gke.masterIpv4CidrBlock)}) overlaps network.primary.${field} (${range}). Fix: use a /28 outside the VPC's ranges, such as "172.16.0.0/28"`,
        );
      }
    }
  }
  if (gke.gpuPools.length > 0 && !(GPU_TIERS as readonly string[]).includes(config.tier)) {
    report(
      ctx,
      ['gke', 'gpuPools'],
      `(${show(gke.gpuPools.map((pool) => pool.name))}) is set but tier ${config.tier} runs CPU pools only. Fix: remove gpuPools, or use tier ${GPU_TIERS.join(' or ')}`,
    );
    return;
  }
  if (gke.mode === 'autopilot' && gke.imageCacheDiskImage !== undefined) {
    report(
      ctx,
      ['gke', 'imageCacheDiskImage'],
      `(${show(gke.imageCacheDiskImage)}) is attached to Standard node pools, and Autopilot has none of ours. Fix: remove it, or use gke.mode "standard"`,
    );
  }
  const seen = new Set<string>(['cpu']);
  gke.gpuPools.forEach((pool, index) => {
    const at = (field: string) => ['gke', 'gpuPools', index, field];
    if (seen.has(pool.name)) {
      report(
        ctx,
        at('name'),
        `(${show(pool.name)}) is already used by another pool. Fix: give each pool its own name ("cpu" is the CPU pool's)`,
      );
    }
    seen.add(pool.name);
    checkGpuPool(ctx, pool, gke, config.region, at);
  });
  // Fallback pools are named after their pool: checked once every configured name is known.
  gke.gpuPools.forEach((pool, index) => {
    const resolved = resolveGpuPool(pool, gke.gpuPoolDefaults, index);
    if (!resolved) return;
    const spotAt =
      pool.spot !== undefined ? ['gke', 'gpuPools', index, 'spot'] : ['gke', 'gpuPoolDefaults', 'spot'];
    const spot = pool.spot ?? gke.gpuPoolDefaults.spot;
    const list = pool.capacity ?? gke.gpuPoolDefaults.capacity;
    checkCapacity(ctx, {
      options: resolved.capacity,
      shape: resolved,
      minNodes: resolved.minNodes,
      spot: spot !== undefined ? { value: spot, path: spotAt } : undefined,
      listPath: list ? capacityPath(pool, index) : undefined,
      taken: seen,
      namePath: ['gke', 'gpuPools', index, 'name'],
    });
    for (const option of resolved.capacity) {
      const { config: fields } = option;
      const ownShape = fields.preset ?? fields.machineType ?? fields.gpu ?? fields.gpuCount;
      if (ownShape !== undefined) {
        checkShape(ctx, fields, option, gke, config.region, (field) => [...option.path, field]);
      }
    }
  });
}

/** No open door to the control plane: a private range, or a public one of a single operator network. */
function checkAuthorizedNetwork(ctx: z.RefinementCtx, value: string, index: number): void {
  const range = parseCidr(value);
  if (!range || isPrivate(range) || range.prefixLength >= MAX_PUBLIC_AUTHORIZED_PREFIX) return;
  const at = ['gke', 'masterAuthorizedNetworks', index, 'cidr'];
  const fix = `list the operator networks themselves (public ranges of /${MAX_PUBLIC_AUTHORIZED_PREFIX} or narrower, or private ${PRIVATE_RANGES.join(', ')} ranges), or set gke.privateEndpoint and deploy from inside the VPC`;
  if (range.prefixLength === 0) {
    report(ctx, at, `(${show(value)}) opens the control plane endpoint to the whole internet. Fix: ${fix}`);
  } else {
    report(
      ctx,
      at,
      `(${show(value)}) is a public range of ${2 ** (32 - range.prefixLength)} addresses, wider than one operator network (/${MAX_PUBLIC_AUTHORIZED_PREFIX}). Fix: ${fix}`,
    );
  }
}

function checkGpuPool(
  ctx: z.RefinementCtx,
  pool: GpuPoolConfig,
  gke: GkeConfig,
  region: string,
  at: (field: string) => (string | number)[],
): void {
  const resolved = resolveGpuPool(pool, gke.gpuPoolDefaults);
  if (!resolved) {
    const missing = (['machineType', 'gpu', 'gpuCount'] as const).filter(
      (field) => pool[field] === undefined,
    );
    report(
      ctx,
      at(missing[0]),
      `is missing and the pool names no preset. Fix: set preset (${PRESET_IDS.join(', ')}) or all of machineType, gpu and gpuCount`,
    );
    return;
  }
  checkShape(ctx, pool, resolved, gke, region, at);
  // gpuPoolDefaults checks its own pair; a pool that sets either bound is checked here.
  const { minNodes, maxNodes } = resolved;
  if ((pool.minNodes !== undefined || pool.maxNodes !== undefined) && minNodes > maxNodes) {
    if (pool.minNodes !== undefined) {
      report(
        ctx,
        at('minNodes'),
        `(${minNodes}) is above maxNodes (${maxNodes}). Fix: lower minNodes or raise maxNodes`,
      );
    } else {
      report(
        ctx,
        at('maxNodes'),
        `(${maxNodes}) is below minNodes (${minNodes}, from gpuPoolDefaults). Fix: raise maxNodes or set the pool's minNodes`,
      );
    }
  }
}

/**
 * A node shape (a pool's or a capacity option's) is one the catalog knows, offered in the region and, on
 * Autopilot, by Autopilot; `fields` are the settings the user wrote, to blame the right one.
 */
function checkShape(
  ctx: z.RefinementCtx,
  fields: Pick<GpuPoolConfig, 'preset' | 'machineType' | 'gpu' | 'gpuCount'>,
  shape: GpuShape,
  gke: GkeConfig,
  region: string,
  at: (field: string) => (string | number)[],
): void {
  const pool = fields;
  const { machineType, gpu, gpuCount } = shape;
  // Blame the field the user wrote; a preset's own shape is valid by construction.
  const gpuField = pool.gpu !== undefined ? 'gpu' : 'preset';
  if (!MACHINE_TYPES[machineType]) {
    report(
      ctx,
      at('machineType'),
      `(${show(machineType)}) is not a GPU machine type in the catalog. Fix: use one that carries ${gpu}: ${machinesCarrying(gpu).join(', ')}`,
    );
    return;
  }
  if (!gpusOf(machineType).includes(gpu)) {
    report(
      ctx,
      at(gpuField),
      `(${show(pool[gpuField])}) puts ${gpu} on ${machineType}, which carries only ${gpusOf(machineType).join(', ')}. Fix: use ${gpusOf(machineType).join(' or ')} on ${machineType}, or a machine type that carries ${gpu}: ${machinesCarrying(gpu).join(', ')}`,
    );
    return;
  }
  const counts = countsFor(machineType, gpu);
  if (!counts.includes(gpuCount)) {
    report(
      ctx,
      at(pool.gpuCount !== undefined ? 'gpuCount' : 'machineType'),
      `(${show(pool.gpuCount ?? machineType)}) gives ${gpuCount}x ${gpu} on ${machineType}, which takes ${counts.join(', ')}. Fix: set gpuCount to ${counts.join(' or ')}, or pick a machine type for ${gpuCount}x ${gpu}`,
    );
  }
  // An unknown region is reported by the region rule; zones are only known for KNOWN_REGIONS.
  if ((KNOWN_REGIONS as readonly string[]).includes(region) && zonesOffering(gpu, region).length === 0) {
    const here = GPU_IDS.filter((other) => zonesOffering(other, region).length > 0);
    report(
      ctx,
      at(gpuField),
      `(${show(pool[gpuField])}) needs ${gpu}, which no zone of ${region} offers. Fix: use a GPU offered in ${region} (${here.join(', ')}), or a region with ${gpu} (${regionsOffering(gpu).join(', ')})`,
    );
  }
  if (gke.mode === 'autopilot' && !GPUS[gpu].autopilot) {
    const autopilotGpus = GPU_IDS.filter((id: GpuId) => GPUS[id].autopilot);
    report(
      ctx,
      at(gpuField),
      `(${show(pool[gpuField])}) needs ${gpu}, which GKE Autopilot does not offer. Fix: use ${autopilotGpus.join(', ')}, or gke.mode "standard"`,
    );
  }
}

/**
 * The fit rule as a config rule, for the section that places models on pools (inference): reports at `path`
 * `(<value>) does not fit: <numbers>. Fix: <fixes>` when the model cannot be placed on the named pool.
 */
export function reportModelFit(
  ctx: z.RefinementCtx,
  path: (string | number)[],
  value: unknown,
  request: Omit<FitRequest, 'pool'> & { readonly pool: GpuPool },
): boolean {
  const result = checkFit(request);
  if (!result.fits) report(ctx, path, `(${show(value)}) does not fit: ${result.problem}. Fix: ${result.fix}`);
  return result.fits;
}
