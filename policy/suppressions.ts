import { IConstruct } from 'constructs';

/** A rule that does not apply to a construct, and the written reason why. */
export interface PolicySuppression {
  /** Rule id, e.g. `AFPI-GKE-3`. */
  readonly id: string;
  /** Why the rule does not apply here: at least a sentence (MIN_REASON_LENGTH characters). */
  readonly reason: string;
}

/** A reason shorter than this is not a sentence: "ok", "legacy", "TODO" do not count. */
export const MIN_REASON_LENGTH = 20;

const METADATA_TYPE = 'afpi:policy-suppression';

/**
 * Suppresses rules on `construct` and everything under it. Each suppression needs a written reason of at
 * least a sentence; the policy pack reports a missing or short reason, or an unknown rule id, as an error.
 */
export function suppress(construct: IConstruct, suppressions: readonly PolicySuppression[]): void {
  for (const suppression of suppressions) {
    construct.node.addMetadata(METADATA_TYPE, suppression, { stackTrace: false });
  }
}

/** Suppressions written on `construct` itself. */
export function ownSuppressions(construct: IConstruct): PolicySuppression[] {
  return construct.node.metadata
    .filter((m) => m.type === METADATA_TYPE)
    .map((m) => m.data as PolicySuppression);
}

/** Whether a suppression's reason is long enough to be a sentence. */
export function hasReason(suppression: PolicySuppression): boolean {
  return typeof suppression.reason === 'string' && suppression.reason.trim().length >= MIN_REASON_LENGTH;
}

/** The valid suppression of `ruleId` closest to `construct` (itself, then its ancestors). */
export function suppressionFor(construct: IConstruct, ruleId: string): PolicySuppression | undefined {
  for (const scope of [...construct.node.scopes].reverse()) {
    const found = ownSuppressions(scope).find((s) => s.id === ruleId && hasReason(s));
    if (found) return found;
  }
  return undefined;
}
