import { z } from 'zod';
import { cidr, noOverlaps, parseCidr } from '../cidr';
import { report, show } from '../rules';

/** The address ranges of one serving region; `defaults` differ per region so the two never overlap. */
function regionRanges(defaults: { subnet: string; pods: string; services: string; connector: string }) {
  return z
    .strictObject({
      /** Primary range of the regional subnet (nodes, internal load balancers, Direct VPC egress). */
      subnet: cidr.default(defaults.subnet),
      /** Secondary range for GKE pods (a /14 gives 1,024 nodes at 110 pods each). */
      pods: cidr.default(defaults.pods),
      /** Secondary range for GKE services (ClusterIPs). */
      services: cidr.default(defaults.services),
      /** The Serverless VPC Access connector's own range; Google requires exactly a /28. */
      connector: cidr.default(defaults.connector),
    })
    .prefault({});
}
export type RegionRanges = z.output<ReturnType<typeof regionRanges>>;

/** Smallest private services access range Cloud SQL accepts (Google recommends a /16 for growth). */
export const PSA_MAX_PREFIX_LENGTH = 24;

export const networkSection = z
  .strictObject({
    /** Ranges of the primary region's subnet. @default subnet 10.10.0.0/20, pods 10.16.0.0/14, services 10.12.0.0/20, connector 10.8.0.0/28 */
    primary: regionRanges({
      subnet: '10.10.0.0/20',
      pods: '10.16.0.0/14',
      services: '10.12.0.0/20',
      connector: '10.8.0.0/28',
    }),
    /** Ranges of the DR region's subnet, used where the tier has a DR region. @default subnet 10.11.0.0/20, pods 10.20.0.0/14, services 10.12.16.0/20, connector 10.8.0.16/28 */
    dr: regionRanges({
      subnet: '10.11.0.0/20',
      pods: '10.20.0.0/14',
      services: '10.12.16.0/20',
      connector: '10.8.0.16/28',
    }),
    /**
     * Range reserved for private services access (Cloud SQL, Memorystore peer into it). Cloud SQL needs at
     * least a /24 per region; Google recommends a /16. @default "10.30.0.0/16"
     */
    privateServicesRange: cidr.default('10.30.0.0/16'),
    /** Serverless VPC Access connector size (Google allows 2-10 instances, max above min). */
    connector: z
      .strictObject({
        /** @default "e2-micro" */
        machineType: z.enum(['f1-micro', 'e2-micro', 'e2-standard-4']).default('e2-micro'),
        /** @default 2 */
        minInstances: z.number().int().min(2).max(9).default(2),
        /** @default 10 */
        maxInstances: z.number().int().min(3).max(10).default(10),
      })
      .superRefine((value, ctx) => {
        if (value.minInstances >= value.maxInstances) {
          report(
            ctx,
            ['minInstances'],
            `(${value.minInstances}) is not below maxInstances (${value.maxInstances}); the connector needs room to scale. Fix: lower minInstances or raise maxInstances`,
          );
        }
      })
      .prefault({}),
    /**
     * How Cloud Run reaches the VPC: a Serverless VPC Access `connector`, or `direct-vpc` egress straight
     * into the regional subnet (no connector VMs to pay for; uses subnet addresses). @default "connector"
     */
    cloudRunEgress: z.enum(['connector', 'direct-vpc']).default('connector'),
    /** Allow SSH from Identity-Aware Proxy (35.235.240.0/20) to VMs. @default false */
    iapSsh: z.boolean().default(false),
    /** Ports Google's health checkers may reach (load balancer backends, NEGs). @default [80, 8000, 8080] */
    healthCheckPorts: z.array(z.number().int().min(1).max(65535)).min(1).default([80, 8000, 8080]),
    /** Fraction of subnet flows sampled into VPC flow logs. @default 0.5 */
    flowLogSampling: z.number().min(0.01).max(1).default(0.5),
  })
  .superRefine((value, ctx) => {
    for (const role of ['primary', 'dr'] as const) {
      const connector = parseCidr(value[role].connector);
      if (connector && connector.prefixLength !== 28) {
        report(
          ctx,
          [role, 'connector'],
          `(${show(value[role].connector)}) is not a /28; Serverless VPC Access connectors take exactly a /28. Fix: use a /28 such as "10.8.0.0/28"`,
        );
      }
    }
    const psa = parseCidr(value.privateServicesRange);
    if (psa && psa.prefixLength > PSA_MAX_PREFIX_LENGTH) {
      report(
        ctx,
        ['privateServicesRange'],
        `(${show(value.privateServicesRange)}) is smaller than a /${PSA_MAX_PREFIX_LENGTH}, the minimum Cloud SQL accepts for private services access (Memorystore needs room beside it). Fix: use a prefix length of ${PSA_MAX_PREFIX_LENGTH} or less, /16 recommended`,
      );
    }
  });

export type NetworkConfig = z.output<typeof networkSection>;

/**
 * Cross-field rule (needs the top-level config): no two ranges the environment uses may overlap. The DR
 * ranges count only where the environment has a DR region.
 */
export function networkRules(
  config: { network: NetworkConfig; disasterRecovery: boolean },
  ctx: z.RefinementCtx,
): void {
  const roles = config.disasterRecovery ? (['primary', 'dr'] as const) : (['primary'] as const);
  noOverlaps(ctx, [
    ...roles.flatMap((role) =>
      (['subnet', 'pods', 'services', 'connector'] as const).map((kind) => ({
        path: ['network', role, kind],
        cidr: config.network[role][kind],
      })),
    ),
    { path: ['network', 'privateServicesRange'], cidr: config.network.privateServicesRange },
  ]);
}
