import { PriceLookupError } from '../prices';
import { Usage } from '../usage';

/** A resource's attributes as synthesized (Terraform JSON). */
export type Attrs = Record<string, unknown>;

/** One resource of one synthesized stack. */
export interface ResourceRef {
  readonly stack: string;
  readonly type: string;
  /** Logical id within the stack (the Terraform resource name). */
  readonly name: string;
  readonly attrs: Attrs;
}

export function addressOf(resource: Pick<ResourceRef, 'type' | 'name'>): string {
  return `${resource.type}.${resource.name}`;
}

/** What the pricers need to know about the whole environment, gathered before any resource is priced. */
export interface EnvironmentFacts {
  /** VMs that may use Cloud NAT, by region: expected GKE nodes plus VPC connector instances. */
  readonly vmsByRegion: Readonly<Record<string, number>>;
  /** Addresses of all global forwarding rules, in a stable order (the first five share one fee). */
  readonly globalForwardingRules: readonly string[];
  /** Global forwarding rules that serve HTTPS; load balancer data is charged on them. */
  readonly httpsForwardingRules: number;
  /** Cloud Armor policies; the requests they evaluate are split between them. */
  readonly securityPolicies: number;
  /** Cloud Run services in the primary region, by role. */
  readonly primaryServices: Readonly<Record<ServiceRole, number>>;
  /** Regional forwarding rules Kubernetes creates for Services of type LoadBalancer (Helm values), by region. */
  readonly serviceLoadBalancersByRegion: Readonly<Record<string, number>>;
  /** Load balancer request logs written per request: the mean `log_config.sample_rate` of logging backends. */
  readonly lbLogSampleRate: number;
}

export type ServiceRole = 'frontend' | 'backend';

/** Facts of an environment with nothing in it: for pricing one resource or a reference setup on its own. */
export const NO_FACTS: EnvironmentFacts = {
  vmsByRegion: {},
  globalForwardingRules: [],
  httpsForwardingRules: 0,
  securityPolicies: 0,
  primaryServices: { frontend: 0, backend: 0 },
  serviceLoadBalancersByRegion: {},
  lbLogSampleRate: 0,
};

export interface PricingContext {
  /** The environment's primary region: where resources without a literal location run. */
  readonly region: string;
  readonly usage: Usage;
  readonly facts: EnvironmentFacts;
  /** The resource in the same stack that a `${type.name.attribute}` reference points at, if any. */
  readonly lookup: (reference: unknown) => Attrs | undefined;
}

/** A monthly estimate and how it was reached, for the reader of the report. */
export interface Estimate {
  /** The estimate; for a price that moves (Spot), its top. */
  readonly monthlyUsd: number;
  /** The bottom of the range when the price moves (Spot VMs). @default monthlyUsd */
  readonly minMonthlyUsd?: number;
  readonly basis: string;
}

export type Pricer = (resource: ResourceRef, ctx: PricingContext) => Estimate;

/** A resource a pricer cannot estimate (an attribute is a reference, a size is unknown). */
export class NotPriceable extends PriceLookupError {
  constructor(message: string) {
    super(message);
    this.name = 'NotPriceable';
  }
}
