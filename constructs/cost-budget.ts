import { BillingBudget } from '@cdktf/provider-google/lib/billing-budget';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface CostBudgetProps {
  readonly billingAccountId: string;
  readonly projectId: string;
  readonly displayName: string;
  /** Expected spend per day in USD. */
  readonly dailyBaselineUsd: number;
  /** Alert when spend runs at this multiple of the baseline (seed: 1.5). */
  readonly anomalyMultiplier: number;
  /**
   * Monitoring email channel names. Budgets accept email channels only (no webhook or PagerDuty) and at most 5:
   * the first 5 are used.
   */
  readonly emailChannels: readonly string[];
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** Budgets are monthly at the finest; the baseline month is this many baseline days. */
export const DAYS_PER_MONTH = 30;

/** Cloud Billing budgets take at most this many Monitoring channels. */
export const MAX_BUDGET_CHANNELS = 5;

/**
 * `cost_monthly_guard`: a Cloud Billing budget on the project, the monthly backstop beside the daily
 * cost_anomaly alert (a budget cannot see one anomalous day: 1.5x for a day moves a month of baseline by 1.7 %).
 * Budgets have no daily period, so the amount is a month of baseline days and the rules fire when
 *  - the month's forecast reaches multiplier x baseline: spend has been running at that multiple for weeks,
 *  - actual spend reaches multiplier x baseline (the anomaly has already cost that much),
 *  - actual spend reaches the baseline month (heads-up).
 * Notifications go to the Monitoring channels besides the billing account's admins.
 */
export class CostBudget extends Construct {
  readonly budget: BillingBudget;
  /** Monthly amount in whole USD. */
  readonly monthlyAmountUsd: number;

  constructor(scope: Construct, id: string, props: CostBudgetProps) {
    super(scope, id);
    const project = new DataGoogleProject(this, 'project', { projectId: props.projectId });
    this.monthlyAmountUsd = Math.ceil(props.dailyBaselineUsd * DAYS_PER_MONTH);
    this.budget = new BillingBudget(this, 'budget', {
      billingAccount: props.billingAccountId,
      displayName: props.displayName,
      budgetFilter: {
        projects: [`projects/${project.number}`],
        calendarPeriod: 'MONTH',
        creditTypesTreatment: 'INCLUDE_ALL_CREDITS',
      },
      amount: { specifiedAmount: { currencyCode: 'USD', units: String(this.monthlyAmountUsd) } },
      thresholdRules: [
        { thresholdPercent: props.anomalyMultiplier, spendBasis: 'FORECASTED_SPEND' },
        { thresholdPercent: props.anomalyMultiplier, spendBasis: 'CURRENT_SPEND' },
        { thresholdPercent: 1, spendBasis: 'CURRENT_SPEND' },
      ],
      allUpdatesRule: {
        monitoringNotificationChannels: props.emailChannels.slice(0, MAX_BUDGET_CHANNELS),
        disableDefaultIamRecipients: false,
        schemaVersion: '1.0',
      },
      dependsOn: props.dependsOn,
    });
  }
}
