import {
  MonitoringAlertPolicy,
  MonitoringAlertPolicyConditions,
} from '@cdktf/provider-google/lib/monitoring-alert-policy';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { apiAggregation, seconds, Signal } from '../observability/metric-filters';

export type Severity = 'CRITICAL' | 'ERROR' | 'WARNING';
export type Comparison = 'COMPARISON_GT' | 'COMPARISON_GE' | 'COMPARISON_LT';

interface ConditionBase {
  readonly displayName: string;
  readonly comparison: Comparison;
  readonly threshold: number;
  /** How long the condition must hold before an incident opens. */
  readonly durationSeconds: number;
}

/** A metric compared with a threshold, or the ratio of two metrics when `denominator` is set. */
export interface ThresholdCondition extends ConditionBase {
  readonly kind: 'threshold';
  /** The metric (numerator of a ratio). A filter without aggregation, e.g. `select_slo_burn_rate(...)`. */
  readonly signal: Signal | { readonly filter: string };
  /** Turns the condition into `signal / denominator`. @default - a plain threshold */
  readonly denominator?: Signal;
}

/** A PromQL expression over Managed Service for Prometheus data; `(<query>) <op> <threshold>` is evaluated. */
export interface PromqlCondition extends ConditionBase {
  readonly kind: 'promql';
  readonly query: string;
  /**
   * Accept a metric that does not exist yet (e.g. DCGM before the first GPU node starts); otherwise the API
   * rejects the policy on the first apply. @default false
   */
  readonly disableMetricValidation?: boolean;
}

export type AlertCondition = ThresholdCondition | PromqlCondition;

export interface AlertPolicyProps {
  /** Short snake_case name (the seed's alert name where there is one); labels the policy and its subject. */
  readonly name: string;
  readonly displayName: string;
  readonly severity: Severity;
  /** What an open incident means, in one or two sentences. */
  readonly meaning: string;
  /** What the responder does first, in order. */
  readonly firstSteps: readonly string[];
  readonly conditions: readonly AlertCondition[];
  /** Channel names (`projects/<p>/notificationChannels/<id>`). */
  readonly notificationChannels: readonly string[];
  /** Incidents close themselves this long after the condition stops being met. @default 1800 */
  readonly autoCloseSeconds?: number;
  /** How several conditions combine. @default "OR" */
  readonly combiner?: 'OR' | 'AND';
  /** Prefix of the notification subject, e.g. `[AFPI prod]`. */
  readonly subjectPrefix: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

const PROMQL_OPERATOR: Record<Comparison, string> = {
  COMPARISON_GT: '>',
  COMPARISON_GE: '>=',
  COMPARISON_LT: '<',
};

function toCondition(condition: AlertCondition): MonitoringAlertPolicyConditions {
  if (condition.kind === 'promql') {
    return {
      displayName: condition.displayName,
      conditionPrometheusQueryLanguage: {
        query: `(${condition.query}) ${PROMQL_OPERATOR[condition.comparison]} ${condition.threshold}`,
        duration: seconds(condition.durationSeconds),
        evaluationInterval: '60s',
        ...(condition.disableMetricValidation ? { disableMetricValidation: true } : {}),
      },
    };
  }
  const { signal, denominator } = condition;
  return {
    displayName: condition.displayName,
    conditionThreshold: {
      filter: signal.filter,
      ...('aggregation' in signal ? { aggregations: [apiAggregation(signal.aggregation)] } : {}),
      ...(denominator
        ? {
            denominatorFilter: denominator.filter,
            denominatorAggregations: [apiAggregation(denominator.aggregation)],
          }
        : {}),
      comparison: condition.comparison,
      thresholdValue: condition.threshold,
      duration: seconds(condition.durationSeconds),
      trigger: { count: 1 },
      // No data (no traffic, a scaled-down pool) is not an incident; uptime checks cover "down".
      evaluationMissingData: 'EVALUATION_MISSING_DATA_INACTIVE',
    },
  };
}

/**
 * One Cloud Monitoring alert policy: conditions, severity, Markdown documentation (what it means, first
 * steps), auto-close and notification channels. Every alert of the platform is an instance of this.
 */
export class AlertPolicy extends Construct {
  readonly policy: MonitoringAlertPolicy;

  constructor(scope: Construct, id: string, props: AlertPolicyProps) {
    super(scope, id);
    const steps = props.firstSteps.map((step, i) => `${i + 1}. ${step}`).join('\n');
    this.policy = new MonitoringAlertPolicy(this, 'policy', {
      displayName: props.displayName,
      combiner: props.combiner ?? 'OR',
      enabled: true,
      severity: props.severity,
      conditions: props.conditions.map(toCondition),
      notificationChannels: [...props.notificationChannels],
      alertStrategy: { autoClose: seconds(props.autoCloseSeconds ?? 1800) },
      documentation: {
        subject: `${props.subjectPrefix} ${props.severity} ${props.name}: ${props.displayName}`,
        mimeType: 'text/markdown',
        content: `## What it means\n${props.meaning}\n\n## First steps\n${steps}`,
      },
      userLabels: { alert: props.name, severity: props.severity.toLowerCase() },
      dependsOn: props.dependsOn,
    });
  }
}
