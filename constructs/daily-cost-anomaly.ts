import { BigqueryDataTransferConfig } from '@cdktf/provider-google/lib/bigquery-data-transfer-config';
import { BigqueryDataset } from '@cdktf/provider-google/lib/bigquery-dataset';
import { BigqueryDatasetIamMember } from '@cdktf/provider-google/lib/bigquery-dataset-iam-member';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { ServiceAccountIamMember } from '@cdktf/provider-google/lib/service-account-iam-member';
import { Fn, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { AlertPolicy } from './alert-policy';
import { ServiceIdentity } from './service-identity';

export interface DailyCostAnomalyProps {
  readonly projectId: string;
  /** `XXXXXX-XXXXXX-XXXXXX`; names the export table. */
  readonly billingAccountId: string;
  /** Dataset the Billing console exports the standard usage cost to (created here). */
  readonly datasetId: string;
  /** Location of the dataset and of the scheduled query (`US`, `EU`). */
  readonly location: string;
  /** Expected spend per day in USD. */
  readonly dailyBaselineUsd: number;
  /** Alert when a day's cost is above this multiple of the baseline (seed: 1.5). */
  readonly multiplier: number;
  readonly notificationChannels: readonly string[];
  readonly subjectPrefix: string;
  /** IAM member that deploys the scheduled query: it must act as the query's account (the CI deployer). */
  readonly deployerMember: string;
  /** The BigQuery, Data Transfer, Logging and Monitoring APIs. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** Marks the log entry of an anomalous day; the log-based metric counts entries carrying it. */
export const COST_ANOMALY_MARKER = 'AFPI_COST_ANOMALY';
/** UTC time of the daily check. */
export const COST_CHECK_SCHEDULE = 'every day 12:00';
/**
 * The day the check sums, in days before the run: the export keeps adding a day's usage for a day or more after
 * it, so yesterday is still partial at noon and the day before yesterday is (nearly) complete.
 */
export const COST_CHECK_LAG_DAYS = 2;
const METRIC_NAME = 'afpi/cost_anomaly_days';
const FAILURE_METRIC_NAME = 'afpi/cost_check_failures';

/**
 * The billing export's standard usage cost table; the Billing console names it after the billing account.
 * https://cloud.google.com/billing/docs/how-to/export-data-bigquery-tables/standard-usage
 */
export function billingExportTable(projectId: string, datasetId: string, billingAccountId: string): string {
  return `${projectId}.${datasetId}.gcp_billing_export_v1_${billingAccountId.replace(/-/g, '_')}`;
}

/**
 * The script the scheduled query runs: the cost of the project (credits included) on the day
 * `COST_CHECK_LAG_DAYS` back, against the baseline. Above the multiple it fails with a message carrying the
 * figures; the failed run is an ERROR entry in Cloud Logging (resource `bigquery_dts_config`), which is how a
 * number in BigQuery reaches Monitoring without code. The export table is partitioned by load time
 * (`_PARTITIONTIME`): only the partitions loaded since the day before the checked day are read, not the whole table.
 */
export function costAnomalyQuery(props: DailyCostAnomalyProps): string {
  const table = billingExportTable(props.projectId, props.datasetId, props.billingAccountId);
  const day = `DATE_SUB(CURRENT_DATE(), INTERVAL ${COST_CHECK_LAG_DAYS} DAY)`;
  return [
    'DECLARE cost_usd FLOAT64 DEFAULT (',
    '  SELECT IFNULL(SUM(cost) + SUM(IFNULL((SELECT SUM(c.amount) FROM UNNEST(credits) AS c), 0)), 0)',
    `  FROM \`${table}\``,
    `  WHERE project.id = '${props.projectId}' AND DATE(usage_start_time) = ${day}`,
    `    AND _PARTITIONTIME >= TIMESTAMP(DATE_SUB(CURRENT_DATE(), INTERVAL ${COST_CHECK_LAG_DAYS + 1} DAY))`,
    ');',
    `IF cost_usd / ${props.dailyBaselineUsd} > ${props.multiplier} THEN`,
    `  RAISE USING MESSAGE = FORMAT('${COST_ANOMALY_MARKER} project=${props.projectId} day=%t cost_usd=%.2f baseline_usd=${props.dailyBaselineUsd} ratio=%.2f', ${day}, cost_usd, cost_usd / ${props.dailyBaselineUsd});`,
    'END IF;',
  ].join('\n');
}

/**
 * The seed's `cost_anomaly` (daily_cost > 1.5x baseline): the dataset the Cloud Billing export writes to, a
 * daily scheduled query comparing the cost of the day before yesterday with the baseline under its own service account (reads the
 * dataset, runs jobs, nothing else), a log-based metric counting the anomalous days, and the alert on it; plus a
 * warning when the query fails for another reason, so a missing export does not silence the alert.
 * The export itself is switched on in the Billing console: the provider has no resource for it.
 */
export class DailyCostAnomaly extends Construct {
  readonly dataset: BigqueryDataset;
  readonly identity: ServiceIdentity;
  readonly query: BigqueryDataTransferConfig;
  readonly metric: LoggingMetric;
  readonly alert: AlertPolicy;
  /** Failed runs for any other reason (export not switched on yet, permissions): the check is blind. */
  readonly failureMetric: LoggingMetric;
  readonly failureAlert: AlertPolicy;

  constructor(scope: Construct, id: string, props: DailyCostAnomalyProps) {
    super(scope, id);
    this.dataset = new BigqueryDataset(this, 'export-dataset', {
      datasetId: props.datasetId,
      location: props.location,
      friendlyName: 'Cloud Billing export',
      description:
        'Standard usage cost export (Billing console > Billing export > BigQuery export); read by the cost_anomaly query.',
      // Billing history: a destroy of the stack must not take it along.
      deleteContentsOnDestroy: false,
      dependsOn: props.dependsOn,
    });
    this.identity = new ServiceIdentity(this, 'identity', {
      accountId: 'afpi-cost-anomaly',
      displayName: 'AFPI cost_anomaly query',
      description: 'Runs the daily cost_anomaly scheduled query over the billing export',
    });
    const grants = [
      ...this.identity.grantProjectRoles(props.projectId, ['roles/bigquery.jobUser']),
      new BigqueryDatasetIamMember(this, 'export-reader', {
        datasetId: this.dataset.datasetId,
        role: 'roles/bigquery.dataViewer',
        member: this.identity.member,
      }),
    ];
    this.query = new BigqueryDataTransferConfig(this, 'query', {
      displayName: 'AFPI cost_anomaly daily check',
      dataSourceId: 'scheduled_query',
      location: props.location,
      schedule: COST_CHECK_SCHEDULE,
      serviceAccountName: this.identity.email,
      params: { query: costAnomalyQuery(props) },
      dependsOn: [...(props.dependsOn ?? []), ...grants, this.identity.grantActAs(props.deployerMember)],
    });
    // The DTS service agent mints the runner's tokens; its default project role allows that, but orgs that prune
    // service-agent grants break the check at its first run, so the grant is explicit and on this account only.
    const project = new DataGoogleProject(this, 'project', { projectId: props.projectId });
    new ServiceAccountIamMember(this, 'dts-agent-token-minter', {
      serviceAccountId: this.identity.account.name,
      role: 'roles/iam.serviceAccountShortTermTokenMinter',
      member: `serviceAccount:service-${project.number}@gcp-sa-bigquerydatatransfer.iam.gserviceaccount.com`,
    });
    // Only this config's run log (DTS audit logs share the resource type; other transfers share the project).
    // The config id is assigned by the API: `name` is projects/<n>/locations/<l>/transferConfigs/<id>. The
    // filter is built by Terraform's format() so that no reference sits inside a quoted string (`synth --hcl`
    // cannot write one; docs/operations.md "Leaving cdktf").
    const runErrors = (marker: string) =>
      Fn.format(
        Fn.rawString(
          [
            `logName="projects/${props.projectId}/logs/bigquerydatatransfer.googleapis.com%%2Ftransfer_config"`,
            'resource.type="bigquery_dts_config"',
            'resource.labels.config_id="%s"',
            'severity>=ERROR',
            marker,
          ].join(' AND '),
        ),
        [Fn.element(Fn.split('/', this.query.name), 5)],
      );
    // DTS writes the run message to jsonPayload.message; textPayload is the fallback should it ever log plain text.
    const marked = `(jsonPayload.message:"${COST_ANOMALY_MARKER}" OR textPayload:"${COST_ANOMALY_MARKER}")`;
    const countOf = (name: string) => ({
      filter: `metric.type="logging.googleapis.com/user/${name}"`,
      aggregation: {
        alignmentPeriodSeconds: 3600,
        perSeriesAligner: 'ALIGN_SUM' as const,
        crossSeriesReducer: 'REDUCE_SUM' as const,
      },
    });
    const common = {
      notificationChannels: props.notificationChannels,
      subjectPrefix: props.subjectPrefix,
    };
    this.metric = new LoggingMetric(this, 'metric', {
      name: METRIC_NAME,
      description: `Days whose cost was above ${props.multiplier}x the ${props.dailyBaselineUsd} USD baseline (failed cost_anomaly query runs)`,
      filter: runErrors(marked),
      metricDescriptor: { metricKind: 'DELTA', valueType: 'INT64', unit: '1' },
      dependsOn: props.dependsOn,
    });
    this.alert = new AlertPolicy(this, 'alert', {
      ...common,
      name: 'cost_anomaly',
      displayName: `Daily cost above ${props.multiplier}x the baseline`,
      severity: 'ERROR',
      meaning: `The cost of ${props.projectId} on the day before yesterday (UTC; yesterday's billing data is still arriving) in the billing export was more than ${props.multiplier}x the ${props.dailyBaselineUsd} USD/day baseline. The figures are in the failed run's log entry ("${COST_ANOMALY_MARKER} ... ratio=").`,
      firstSteps: [
        'Read the failed run in BigQuery > Data transfers > "AFPI cost_anomaly daily check" (or its log entry) for cost and ratio.',
        'Break that day down by service and SKU in Billing > Reports (or query the export table) to find what grew.',
        'Check GPU pools and Cloud Run instance counts for runaway scaling, and the API cost per conversation on the business dashboard.',
      ],
      conditions: [
        {
          kind: 'threshold',
          displayName: `day above ${props.multiplier}x baseline`,
          signal: countOf(METRIC_NAME),
          comparison: 'COMPARISON_GT',
          threshold: 0,
          durationSeconds: 0,
        },
      ],
      dependsOn: [...(props.dependsOn ?? []), this.metric],
    });
    this.failureMetric = new LoggingMetric(this, 'failure-metric', {
      name: FAILURE_METRIC_NAME,
      description:
        'Failed scheduled-query runs other than a cost anomaly (the daily cost check could not run)',
      filter: runErrors(`NOT ${marked}`),
      metricDescriptor: { metricKind: 'DELTA', valueType: 'INT64', unit: '1' },
      dependsOn: props.dependsOn,
    });
    this.failureAlert = new AlertPolicy(this, 'failure-alert', {
      ...common,
      name: 'cost_anomaly_check_failed',
      displayName: 'Daily cost check could not run',
      severity: 'WARNING',
      meaning:
        'The cost_anomaly scheduled query failed for a reason other than an anomaly, so no daily cost alert can fire until it is fixed.',
      firstSteps: [
        'Read the failed run in BigQuery > Data transfers > "AFPI cost_anomaly daily check".',
        `"Not found: Table ...gcp_billing_export_v1_...": switch the billing export on in the Billing console, into dataset ${props.datasetId}.`,
        'Permission errors: the run uses afpi-cost-anomaly (BigQuery job user on the project, data viewer on the dataset).',
      ],
      conditions: [
        {
          kind: 'threshold',
          displayName: 'cost_anomaly query run failed',
          signal: countOf(FAILURE_METRIC_NAME),
          comparison: 'COMPARISON_GT',
          threshold: 0,
          durationSeconds: 0,
        },
      ],
      dependsOn: [...(props.dependsOn ?? []), this.failureMetric],
    });
  }
}
