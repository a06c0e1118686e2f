import { Tier } from '../config/schema';

/** What a rule may know about the environment: rules that hold "outside dev" read `env`. */
export interface PolicyConfig {
  /** Environment name (`dev`, `staging`, `prod`). */
  readonly env: string;
  readonly tier: Tier;
}

/** A resource's synthesized Terraform attributes (snake_case, tokens resolved, escape hatches applied). */
export type Attributes = Record<string, unknown>;

/** One synthesized resource of the app. */
export interface PolicyResource {
  /** Terraform resource type, e.g. `google_sql_database_instance`. */
  readonly type: string;
  /** Terraform resource name within its stack (the construct's friendly unique id). */
  readonly name: string;
  /** Construct path, e.g. `data/sql/instance`. */
  readonly path: string;
  /** Id of the stack that holds it. */
  readonly stack: string;
  readonly attributes: Attributes;
}

/** What a check sees besides the resource's own attributes. */
export interface RuleContext {
  readonly config: PolicyConfig;
  /** The resource being checked. */
  readonly resource: PolicyResource;
  /** Every resource of the app, all stacks. */
  readonly resources: readonly PolicyResource[];
  /** Resources of any of `types`, all stacks. */
  ofType(...types: string[]): PolicyResource[];
  /**
   * The resource that `value` references (`${google_compute_url_map.redirect.id}`), if it is one of `types`;
   * a resource of the checked resource's own stack wins over a same-named one elsewhere.
   */
  referenced(value: unknown, types: readonly string[]): PolicyResource | undefined;
}

/** `true` or an empty list passes; `false` fails; a non-empty list fails with those details. */
export type CheckResult = boolean | readonly string[];

/** A policy rule: one promise of the architecture, checked on every synthesized resource of its types. */
export interface Rule {
  /** `AFPI-<AREA>-<n>`; never reused for another meaning (suppressions name it). */
  readonly id: string;
  /** The violation, in one line: "Cloud SQL instance has a public IPv4 address". */
  readonly statement: string;
  /** What to change, naming the attribute. */
  readonly fix: string;
  /** Terraform resource types the rule checks. */
  readonly resourceTypes: readonly string[];
  /** Whether the rule applies to this resource at all (not counted as a check when it does not). @default always */
  appliesTo?(attributes: Attributes, context: RuleContext): boolean;
  check(attributes: Attributes, context: RuleContext): CheckResult;
}

/** The single nested block at `value` (cdktf writes blocks as objects or one-element lists); `{}` when absent. */
export function block(value: unknown): Attributes {
  const first = Array.isArray(value) ? value[0] : value;
  return first !== null && typeof first === 'object' ? (first as Attributes) : {};
}

/** The repeated blocks (or list values) at `value`; `[]` when absent. */
export function blocks(value: unknown): Attributes[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== null && typeof v === 'object');
}

/** The strings at `value`, a list or a single string. */
export function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

export function isFalse(value: unknown): boolean {
  return value === false || value === 'false';
}

/** Set to something other than null or an empty string. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** Resources in environments other than dev: rules for production-grade availability. */
export function outsideDev(_attributes: Attributes, context: RuleContext): boolean {
  return context.config.env !== 'dev';
}
