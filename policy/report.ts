import { formatFinding, PolicyReport } from './findings';
import { Rule } from './rule';
import { RULES } from './rules';

/** The rules table: id and statement, one rule a line. */
export function rulesTable(rules: readonly Rule[] = RULES): string[] {
  const width = Math.max(...rules.map((r) => r.id.length));
  return rules.map((r) => `${r.id.padEnd(width)}  ${r.statement}`);
}

/** One summary line for an environment (checks passed, violations, suppressions), then each finding indented. */
export function environmentLines(env: string, tier: string, report: PolicyReport): string[] {
  const { checksPassed, violations, suppressed } = report;
  return [
    `${env.padEnd(8)} tier ${tier.padEnd(10)} ${String(checksPassed).padStart(4)} checks passed ${String(violations.length).padStart(3)} violations ${String(suppressed.length).padStart(3)} suppressed`,
    ...[...violations, ...suppressed].map((f) => `    ${formatFinding(f)}`),
  ];
}
