import { z } from 'zod';
import { report, show } from '../rules';

/** A percentage in (0, 100]. */
const percent = z.number().superRefine((value, ctx) => {
  if (!(value > 0 && value <= 100)) {
    report(
      ctx,
      [],
      `(${value}) is not a percentage between 0 and 100. Fix: use a number above 0 and at most 100`,
    );
  }
});

/** A latency in milliseconds, above zero. */
const latencyMs = z.number().superRefine((value, ctx) => {
  if (!(value > 0)) {
    report(ctx, [], `(${value}) is not a positive latency. Fix: use a number of milliseconds above 0`);
  }
});

/** The most google_monitoring_slo accepts: its `goal` must be > 0 and <= 0.9999 (provider 6.50.0). */
export const MAX_SLO_GOAL_PERCENT = 99.99;

/** An SLO goal in percent: 100 % would leave no error budget to burn, and the API stops at 99.99 %. */
const sloGoalPercent = z.number().superRefine((value, ctx) => {
  if (value > MAX_SLO_GOAL_PERCENT) {
    report(
      ctx,
      [],
      `(${value}) is above ${MAX_SLO_GOAL_PERCENT} %, the highest SLO goal Cloud Monitoring accepts (goal <= 0.9999). Fix: use a goal such as 99.9`,
    );
  } else if (!(value > 0)) {
    report(ctx, [], `(${value}) is not a percentage between 0 and 100. Fix: use a goal such as 99.9`);
  }
});

const email = z.string().superRefine((value, ctx) => {
  if (!/^[^\s@"]+@[a-z0-9-]+(\.[a-z0-9-]+)*\.[a-z]{2,63}$/i.test(value)) {
    report(ctx, [], `(${show(value)}) is not an email address. Fix: write it as "name@example.com"`);
  }
});

/** A Secret Manager secret id in the environment's project; the value is read at plan time (latest version). */
const secretRef = z.string().regex(/^[a-zA-Z0-9_-]{1,255}$/, {
  error: (issue) =>
    `(${show(issue.input)}) is not a Secret Manager secret id. Fix: up to 255 letters, digits, "-" and "_" (the secret must live in the environment's project)`,
});

const thresholdsSchema = z.strictObject({
  /** Seed alert `high_latency`: p95 request latency above this. @default 1000 */
  p95LatencyMs: latencyMs.default(1000),
  /** Seed alert `error_rate_spike`: share of 5xx responses above this. @default 5 */
  errorRatePercent: percent.default(5),
  /** Seed alert `gpu_saturation`: GPU utilisation above this ... @default 90 */
  gpuUtilizationPercent: percent.default(90),
  /** ... for this long. @default 10 */
  gpuSaturationMinutes: z.number().int().min(1).max(1440).default(10),
  /**
   * Alert `gpu_workload_pending`: a pod requesting GPUs Pending this long means no capacity option of its compute
   * class had a node for it (stockout, quota). @default 15
   */
  gpuPendingMinutes: z.number().int().min(1).max(1440).default(15),
  /** Seed alert `cost_anomaly`: spend above this multiple of the baseline. @default 1.5 */
  costAnomalyMultiplier: z.number().min(1).max(10).default(1.5),
  /** Expected daily spend in USD the cost_anomaly alert compares with (tier preset, from the seed's cost ranges). */
  dailyCostBaselineUsd: z.number().positive().max(1_000_000),
  /** Cloud SQL CPU utilisation above this for 10 minutes. @default 80 */
  sqlCpuPercent: percent.default(80),
  /** Cloud SQL disk utilisation above this. @default 85 */
  sqlDiskPercent: percent.default(85),
  /** Cross-region replica lag above this (seed RPO: < 5 minutes). @default 60 */
  sqlReplicationLagSeconds: z.number().positive().max(3600).default(60),
  /** Redis memory usage above this share of the instance's memory. @default 80 */
  redisMemoryPercent: percent.default(80),
});

const SEVERITIES = ['CRITICAL', 'ERROR', 'WARNING'] as const;

/** Longest lookback `select_slo_burn_rate` supports in an alert policy (Cloud Monitoring, "Alerting on your burn rate"). */
const MAX_BURN_WINDOW_MINUTES = 1440;

/** One multi-window burn-rate alert (SRE workbook, chapter 5): both windows must burn above the threshold. */
const burnRateSchema = (
  longWindowMinutes: number,
  shortWindowMinutes: number,
  threshold: number,
  severity: (typeof SEVERITIES)[number],
) =>
  z
    .strictObject({
      /** Window that shows enough budget is gone to matter (at most 1440: Cloud Monitoring's burn-rate limit). */
      longWindowMinutes: z.number().int().min(5).default(longWindowMinutes),
      /** Window that shows it is still burning now (the workbook uses 1/12 of the long one). */
      shortWindowMinutes: z.number().int().min(1).default(shortWindowMinutes),
      /** Alert when the error budget burns this many times faster than the goal allows. */
      threshold: z.number().positive().max(1000).default(threshold),
      /** CRITICAL pages (see notifications.pageSeverities); WARNING is a ticket. */
      severity: z.enum(SEVERITIES).default(severity),
    })
    .superRefine((value, ctx) => {
      if (value.longWindowMinutes > MAX_BURN_WINDOW_MINUTES) {
        report(
          ctx,
          ['longWindowMinutes'],
          `(${value.longWindowMinutes}) is longer than 24 hours; Cloud Monitoring does not evaluate burn-rate alerts over more than 24 h ("Alerting on your burn rate", lookback periods). Fix: use at most ${MAX_BURN_WINDOW_MINUTES} minutes; a slower steady burn is caught by the SLO's error budget`,
        );
      }
      if (value.shortWindowMinutes >= value.longWindowMinutes) {
        report(
          ctx,
          ['shortWindowMinutes'],
          `(${value.shortWindowMinutes}) is not shorter than longWindowMinutes (${value.longWindowMinutes}). Fix: use about 1/12 of the long window, e.g. ${Math.max(1, Math.round(value.longWindowMinutes / 12))}`,
        );
      }
    })
    .prefault({});

const sloSchema = z
  .strictObject({
    /** Backend availability goal (seed Phase 1: 99.9 % uptime SLA). @default 99.9 */
    availabilityPercent: sloGoalPercent.default(99.9),
    /** Latency objective for the backend's p95 (seed Phase 1: < 500 ms; Phase 2 tightens to 300). @default 500 */
    latencyP95Ms: latencyMs.default(500),
    /** Share of requests that must be faster than latencyP95Ms (95 % makes it a p95 objective). @default 95 */
    latencyGoalPercent: sloGoalPercent.default(95),
    /** Rolling compliance window. @default 28 */
    rollingPeriodDays: z.number().int().min(1).max(30).default(28),
    /** 2 % of a 30-day budget gone in an hour and still burning (SRE workbook). @default 1 h and 5 min > 14.4x, critical */
    fastBurn: burnRateSchema(60, 5, 14.4, 'CRITICAL'),
    /** 5 % of the budget gone in six hours. @default 6 h and 30 min > 6x, critical */
    mediumBurn: burnRateSchema(360, 30, 6, 'CRITICAL'),
    /** 10 % of a 30-day budget gone in a day: a ticket (the workbook's 1-day tier). @default 24 h and 2 h > 3x, warning */
    slowBurn: burnRateSchema(1440, 120, 3, 'WARNING'),
  })
  .prefault({});

export const observabilitySection = z
  .strictObject({
    /** Where alerts go. */
    notifications: z.strictObject({
      /** Email recipients of every alert and of the cost budget (at least one). */
      emails: z.array(email).min(1),
      /** Secret holding a webhook URL with its token (`webhook_tokenauth` channel). @default none */
      webhookUrlSecret: secretRef.optional(),
      /** Secret holding a PagerDuty Events API v2 integration key. @default none */
      pagerDutyServiceKeySecret: secretRef.optional(),
      /**
       * Severities that also go to the paging channels (PagerDuty, webhook); emails get every severity. An
       * environment that pages needs a paging channel; `[]` sends everything by email only. @default ["CRITICAL"]
       */
      pageSeverities: z.array(z.enum(SEVERITIES)).default(['CRITICAL']),
    }),
    thresholds: thresholdsSchema,
    /** Billing account the cost_anomaly budget lives on, "XXXXXX-XXXXXX-XXXXXX". @default none */
    billingAccountId: z
      .string()
      .regex(/^[A-F0-9]{6}-[A-F0-9]{6}-[A-F0-9]{6}$/, {
        error: (issue) =>
          `(${show(issue.input)}) is not a billing account id. Fix: use the id shown by "gcloud billing accounts list", e.g. "012345-6789AB-CDEF01"`,
      })
      .optional(),
    /**
     * The cost alerts: the daily cost_anomaly (billing export in BigQuery, a scheduled query, an alert) and the
     * monthly cost_monthly_guard budget. Turning them off is a conscious choice that synth reports.
     */
    costAnomaly: z
      .strictObject({
        /** @default true */
        enabled: z.boolean().default(true),
        /** BigQuery dataset the Billing console exports the standard usage cost to. @default "billing_export" */
        billingExportDataset: z
          .string()
          .regex(/^[A-Za-z0-9_]{1,1024}$/, {
            error: (issue) =>
              `(${show(issue.input)}) is not a BigQuery dataset id. Fix: letters, digits and "_" only, e.g. "billing_export"`,
          })
          .default('billing_export'),
        /** Location of that dataset (the export supports multi-regions best). @default "US" */
        billingExportLocation: z.enum(['US', 'EU']).default('US'),
      })
      .prefault({}),
    slo: sloSchema,
    /** Uptime checks on https://<domain>/ and https://api.<domain><cloudRun.backend.healthPath>. */
    uptime: z
      .strictObject({
        /** Seconds between checks from each region. @default 60 */
        periodSeconds: z.union([z.literal(60), z.literal(300), z.literal(600), z.literal(900)]).default(60),
      })
      .prefault({}),
    /** Audit logs routed to their own log bucket with longer retention. */
    auditLogSink: z
      .strictObject({
        /** @default false */
        enabled: z.boolean().default(false),
        /** @default 365 */
        retentionDays: z.number().int().min(1).max(3650).default(365),
        /** Lock the bucket so retention cannot be shortened or the bucket deleted (irreversible). @default false */
        locked: z.boolean().default(false),
      })
      .prefault({}),
    /** Retention of the `_Default` log bucket (seed: 90-day retention in Cloud Logging). @default 90 */
    logRetentionDays: z.number().int().min(1).max(3650).default(90),
  })
  .superRefine((value, ctx) => {
    const { notifications } = value;
    const paging = notifications.pagerDutyServiceKeySecret ?? notifications.webhookUrlSecret;
    if (notifications.pageSeverities.length > 0 && !paging) {
      report(
        ctx,
        ['notifications', 'pagerDutyServiceKeySecret'],
        `is missing while notifications.pageSeverities (${notifications.pageSeverities.join(', ')}) page: those alerts would reach email only. Fix: set observability.notifications.pagerDutyServiceKeySecret (or webhookUrlSecret) to a Secret Manager secret id, or set observability.notifications.pageSeverities: [] to send every alert by email`,
      );
    }
    if (value.costAnomaly.enabled && !value.billingAccountId) {
      report(
        ctx,
        ['billingAccountId'],
        `is missing while costAnomaly.enabled is on (the cost alerts read the billing account's export and budget). Fix: set observability.billingAccountId (e.g. "012345-6789AB-CDEF01"), or set observability.costAnomaly.enabled: false to deploy without the cost_anomaly alert`,
      );
    }
  });

export type ObservabilityConfig = z.output<typeof observabilitySection>;

/** What synth says when the cost alerts are switched off (stack output, warning annotation, loader note). */
export const COST_ANOMALY_OFF =
  'cost_anomaly and cost_monthly_guard alerts are OFF (observability.costAnomaly.enabled: false). Fix: set observability.billingAccountId and remove costAnomaly.enabled: false';

/** Notes for the synth output about deliberate gaps in this environment's observability. */
export function observabilityNotes(config: { observability: ObservabilityConfig }): string[] {
  return config.observability.costAnomaly.enabled ? [] : [COST_ANOMALY_OFF];
}
