/** What the policy pack reports, as data: findings, reports and their one-line form. Loads no cdktf. */

/** A rule broken by one construct. */
export interface Finding {
  readonly ruleId: string;
  /** Construct path of the offending resource (or of the construct carrying a bad suppression). */
  readonly path: string;
  /** Stack id; empty for a construct outside every stack. */
  readonly stack: string;
  /** `AFPI-SQL-1: <statement>[: <details>]. Fix: <fix>`, the text of the error annotation. */
  readonly message: string;
  /** The suppression's reason, when a suppression covers the finding (then it is no violation). */
  readonly suppressedBecause?: string;
}

export interface PolicyReport {
  /** Rule/resource pairs that were checked and passed. */
  readonly checksPassed: number;
  readonly checksPassedByStack: Readonly<Record<string, number>>;
  /** Findings without a suppression: any of them fails synthesis. */
  readonly violations: readonly Finding[];
  /** Findings covered by a suppression with a reason: listed in every summary so they stay visible. */
  readonly suppressed: readonly Finding[];
}

/** One line of a summary: `<path>: AFPI-SQL-1: ...` or `<path>: AFPI-GKE-3 suppressed: <reason>`. */
export function formatFinding(finding: Finding): string {
  return finding.suppressedBecause === undefined
    ? `${finding.path}: ${finding.message}`
    : `${finding.path}: ${finding.ruleId} suppressed: ${finding.suppressedBecause}`;
}

/** Raised before anything is written when the app breaks a rule; lists every violation of every stack. */
export class PolicyError extends Error {
  /** One line per violation: `<construct path>: AFPI-XXX-N: <statement>. Fix: <fix>`. */
  readonly lines: string[];

  constructor(readonly report: PolicyReport) {
    const lines = report.violations.map(formatFinding);
    super(`${lines.length} policy violation${lines.length === 1 ? '' : 's'}:\n  ${lines.join('\n  ')}`);
    this.name = 'PolicyError';
    this.lines = lines;
  }
}

/** What the policy pack found in one stack, for the synth summary. */
export interface StackPolicy {
  readonly checksPassed: number;
  readonly suppressed: readonly Finding[];
}

export function stackPolicy(report: PolicyReport, stack: string): StackPolicy {
  return {
    checksPassed: report.checksPassedByStack[stack] ?? 0,
    suppressed: report.suppressed.filter((f) => f.stack === stack),
  };
}
