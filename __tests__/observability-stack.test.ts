import { loadVariant } from './support/env-files';
import {
  onlyResource,
  resourcesOf,
  synthApp,
  SynthesizedApp,
  SynthesizedStack,
  synthEnvironment,
} from './support/synth';
import { COST_ANOMALY_OFF } from '../config/sections/observability';

type Resource = Record<string, unknown>;
type Condition = {
  display_name: string;
  condition_threshold?: Resource;
  condition_prometheus_query_language?: Resource;
};

const prod = synthEnvironment('prod'); // enterprise: DR replica, GPUs, 300 ms latency SLO
const dev = synthEnvironment('dev'); // scale: GPUs, no replica
const startup = synthEnvironment('dev', 'startup'); // no GKE
const growth = synthEnvironment('staging', 'growth'); // GKE with CPU pools only

/** A variant of prod with every optional part switched on. */
const full: SynthesizedApp = (() => {
  const { loaded } = loadVariant('prod', {
    observability: {
      billingAccountId: '01ABCD-23EF45-6789AB',
      costAnomaly: { enabled: true },
      auditLogSink: { enabled: true, retentionDays: 400 },
      notifications: { webhookUrlSecret: 'alert-webhook-url', pagerDutyServiceKeySecret: 'pagerduty-key' },
    },
  });
  return synthApp(loaded!.config);
})();

/**
 * The one resource of `type` named `name` in an upstream stack. Filters quote names known at synth time (a
 * reference inside a quoted filter breaks `synth --hcl`); this checks such a name is a resource that stack deploys.
 */
function upstreamNamed(stack: SynthesizedStack | undefined, type: string, name: string): Resource {
  const named = resourcesOf(stack, type).filter((r) => r.name === name);
  expect(named).toHaveLength(1);
  return named[0];
}

function policies(
  stack: SynthesizedStack | undefined,
): Record<string, Resource & { conditions: Condition[] }> {
  const byName: Record<string, Resource & { conditions: Condition[] }> = {};
  for (const policy of resourcesOf(stack, 'google_monitoring_alert_policy')) {
    const label = (policy.user_labels as Record<string, string>).alert;
    const key = label === 'uptime_check_failed' ? String(policy.display_name) : label;
    byName[key] = policy as Resource & { conditions: Condition[] };
  }
  return byName;
}

function threshold(policy: { conditions: Condition[] }, index = 0): Resource {
  return policy.conditions[index].condition_threshold!;
}

/** Channel names of one type (`email`, `pagerduty`, `webhook_tokenauth`) as the policies reference them. */
const channelNames = (stack: SynthesizedStack | undefined, type: string) =>
  Object.entries(stack?.resource?.google_monitoring_notification_channel ?? {})
    .filter(([, c]) => c.type === type)
    .map(([name]) => `\${google_monitoring_notification_channel.${name}.name}`);

describe('observability stack: the seed alerts', () => {
  const prodPolicies = policies(prod.observability);

  const lbFilter = (metric: string, backend: string, extra = '') =>
    `metric.type="loadbalancing.googleapis.com/https/${metric}" AND resource.type="https_lb_rule" AND resource.label.url_map_name="afpi-https" AND resource.label.backend_target_name="${backend}"${extra}`;
  const byBackend = ['resource.label.backend_target_name'];

  it('high_latency: p95 > 1000 ms for the frontend at the load balancer or the API off its LLM paths, 5 minutes', () => {
    const policy = prodPolicies.high_latency;
    expect(policy).toEqual(expect.objectContaining({ severity: 'WARNING', combiner: 'OR' }));
    const [frontend, api] = [threshold(policy, 0), threshold(policy, 1)];
    expect(policy.conditions).toHaveLength(2);
    expect(frontend.filter).toBe(lbFilter('total_latencies', 'afpi-frontend'));
    // The API's time on every path but the LLM ones: those have a path rule, the rest is "UNMATCHED".
    expect(api.filter).toBe(
      lbFilter('backend_latencies', 'afpi-backend', ' AND resource.label.matched_url_path_rule="UNMATCHED"'),
    );
    for (const condition of [frontend, api]) {
      expect(condition).toEqual(
        expect.objectContaining({
          comparison: 'COMPARISON_GT',
          threshold_value: 1000,
          duration: '300s',
          aggregations: [
            {
              per_series_aligner: 'ALIGN_DELTA',
              cross_series_reducer: 'REDUCE_PERCENTILE_95',
              alignment_period: '60s',
              group_by_fields: byBackend,
            },
          ],
        }),
      );
    }
    // The names are the cloud-run stack's: URL map, both backend services, and the LLM path rule on the api host.
    const urlMap = upstreamNamed(prod['cloud-run'], 'google_compute_url_map', 'afpi-https');
    upstreamNamed(prod['cloud-run'], 'google_compute_backend_service', 'afpi-frontend');
    upstreamNamed(prod['cloud-run'], 'google_compute_backend_service', 'afpi-backend');
    const matchers = urlMap.path_matcher as { default_service: string; path_rule?: Resource[] }[];
    expect(matchers[0].path_rule).toBeUndefined();
    expect(matchers[1].path_rule).toEqual([{ paths: ['/chat/*'], service: matchers[1].default_service }]);
  });

  it('error_rate_spike: 5xx / all requests > 5 % per load balancer backend, critical', () => {
    const policy = prodPolicies.error_rate_spike;
    expect(policy).toEqual(expect.objectContaining({ severity: 'CRITICAL', combiner: 'OR' }));
    expect(policy.conditions.map((c) => c.display_name)).toEqual([
      'frontend 5xx / all requests > 5 %',
      'backend 5xx / all requests > 5 %',
    ]);
    const sum = {
      per_series_aligner: 'ALIGN_RATE',
      cross_series_reducer: 'REDUCE_SUM',
      group_by_fields: byBackend,
      alignment_period: '60s',
    };
    ['afpi-frontend', 'afpi-backend'].forEach((backend, i) => {
      const condition = threshold(policy, i);
      expect(condition).toEqual(
        expect.objectContaining({
          comparison: 'COMPARISON_GT',
          threshold_value: 0.05,
          duration: '300s',
          // Numerator and denominator on the same backend: the frontend's CDN hits cannot dilute the API.
          filter: lbFilter('request_count', backend, ' AND metric.label.response_code_class=500'),
          denominator_filter: lbFilter('request_count', backend),
          aggregations: [sum],
          denominator_aggregations: [sum],
        }),
      );
    });
  });

  it('gpu_saturation: DCGM GPU utilisation > 90 % for 10 minutes, warning, where there are GPUs', () => {
    expect(prodPolicies.gpu_saturation).toEqual(
      expect.objectContaining({
        severity: 'WARNING',
        conditions: [
          expect.objectContaining({
            condition_prometheus_query_language: expect.objectContaining({
              query: '(DCGM_FI_DEV_GPU_UTIL{cluster="afpi-prod"}) > 90',
              duration: '600s',
              // The GPU pool scales from 0: no DCGM series exists at the first apply.
              disable_metric_validation: true,
            }),
          }),
        ],
      }),
    );
    // The metric exists: the cluster it watches exports DCGM through managed Prometheus.
    expect(onlyResource(prod['gke-gpu'], 'google_container_cluster')).toEqual(
      expect.objectContaining({
        name: 'afpi-prod',
        monitoring_config: expect.objectContaining({
          enable_components: expect.arrayContaining(['DCGM']),
          managed_prometheus: expect.objectContaining({ enabled: true }),
        }),
      }),
    );
    expect(policies(dev.observability).gpu_saturation).toBeDefined();
    expect(policies(startup.observability).gpu_saturation).toBeUndefined();
    expect(policies(growth.observability).gpu_saturation).toBeUndefined();
  });

  it('cost_anomaly: off without a billing account, and synth says so in the stack output', () => {
    expect(resourcesOf(prod.observability, 'google_billing_budget')).toHaveLength(0);
    expect(prod.observability?.output?.cost_anomaly_alert.value).toBe(COST_ANOMALY_OFF);
    expect(COST_ANOMALY_OFF).toContain('observability.billingAccountId');
  });

  it('cost_anomaly: a daily scheduled query over the billing export, failing above 1.5x, counted and alerted', () => {
    const obs = full.observability;
    const dataset = onlyResource(obs, 'google_bigquery_dataset');
    expect(dataset).toEqual(
      expect.objectContaining({
        dataset_id: 'billing_export',
        location: 'US',
        delete_contents_on_destroy: false,
      }),
    );
    const query = onlyResource(obs, 'google_bigquery_data_transfer_config');
    expect(query).toEqual(
      expect.objectContaining({
        data_source_id: 'scheduled_query',
        location: 'US',
        schedule: 'every day 12:00',
        service_account_name: expect.stringMatching(
          /^\$\{google_service_account\.cost-anomaly-daily_identity_account_[A-F0-9]+\.email\}$/,
        ),
      }),
    );
    const sql = (query.params as { query: string }).query;
    // The export table the Billing console creates, named after the billing account.
    expect(sql).toContain('FROM `afpi-production.billing_export.gcp_billing_export_v1_01ABCD_23EF45_6789AB`');
    // The day before yesterday: yesterday's billing data is still arriving at noon.
    expect(sql).toContain(
      "WHERE project.id = 'afpi-production' AND DATE(usage_start_time) = DATE_SUB(CURRENT_DATE(), INTERVAL 2 DAY)",
    );
    // Partition pruning: only the loads since the day before the checked day, not the whole export table.
    expect(sql).toContain('AND _PARTITIONTIME >= TIMESTAMP(DATE_SUB(CURRENT_DATE(), INTERVAL 3 DAY))');
    expect(sql).toContain(
      "day=%t cost_usd=%.2f baseline_usd=500 ratio=%.2f', DATE_SUB(CURRENT_DATE(), INTERVAL 2 DAY)",
    );
    expect(sql).toContain('SUM(cost) + SUM(IFNULL((SELECT SUM(c.amount) FROM UNNEST(credits) AS c), 0))');
    expect(sql).toContain('IF cost_usd / 500 > 1.5 THEN');
    expect(sql).toContain("RAISE USING MESSAGE = FORMAT('AFPI_COST_ANOMALY project=afpi-production");

    // Least privilege: run jobs in the project, read the export dataset, nothing else.
    const account = onlyResource(obs, 'google_service_account');
    expect(account.account_id).toBe('afpi-cost-anomaly');
    const member = expect.stringMatching(
      /^\$\{google_service_account\.cost-anomaly-daily_identity_account_[A-F0-9]+\.member\}$/,
    );
    expect(resourcesOf(obs, 'google_project_iam_member')).toEqual([
      expect.objectContaining({ role: 'roles/bigquery.jobUser', project: 'afpi-production', member }),
    ]);
    expect(resourcesOf(obs, 'google_bigquery_dataset_iam_member')).toEqual([
      expect.objectContaining({
        role: 'roles/bigquery.dataViewer',
        member,
        dataset_id: expect.stringMatching(
          /^\$\{google_bigquery_dataset\.cost-anomaly-daily_export-dataset_[A-F0-9]+\.dataset_id\}$/,
        ),
      }),
    ]);

    // The DTS service agent may mint tokens for this account only (no project-wide token creator); the CI deployer
    // may attach this account only (no project-wide Service Account User), and the query waits for that grant.
    const actAs = expect.objectContaining({
      role: 'roles/iam.serviceAccountUser',
      member: 'serviceAccount:afpi-deployer@afpi-production.iam.gserviceaccount.com',
      service_account_id: expect.stringMatching(
        /^\$\{google_service_account\.cost-anomaly-daily_identity_account_[A-F0-9]+\.name\}$/,
      ),
    });
    expect(onlyResource(obs, 'google_bigquery_data_transfer_config').depends_on).toContainEqual(
      expect.stringMatching(/^google_service_account_iam_member\.cost-anomaly-daily_identity_act-as_/),
    );
    expect(resourcesOf(obs, 'google_service_account_iam_member')).toEqual([
      expect.objectContaining({
        role: 'roles/iam.serviceAccountShortTermTokenMinter',
        member: expect.stringMatching(
          /^serviceAccount:service-\$\{data\.google_project\.cost-anomaly-daily_project_[A-F0-9]+\.number\}@gcp-sa-bigquerydatatransfer\.iam\.gserviceaccount\.com$/,
        ),
        service_account_id: expect.stringMatching(
          /^\$\{google_service_account\.cost-anomaly-daily_identity_account_[A-F0-9]+\.name\}$/,
        ),
      }),
      actAs,
    ]);

    // Only this transfer config's run log: its id comes from the config's name at apply time, through
    // format() so that `synth --hcl` never has to quote a reference.
    const queryName = Object.keys(obs?.resource?.google_bigquery_data_transfer_config ?? {})[0];
    const runErrors = (marker: string) =>
      `\${format("logName=\\"projects/afpi-production/logs/bigquerydatatransfer.googleapis.com%%2Ftransfer_config\\" AND resource.type=\\"bigquery_dts_config\\" AND resource.labels.config_id=\\"%s\\" AND severity>=ERROR AND ${marker}", element(split("/", google_bigquery_data_transfer_config.${queryName}.name), 5))}`;
    const marked = '(jsonPayload.message:\\"AFPI_COST_ANOMALY\\" OR textPayload:\\"AFPI_COST_ANOMALY\\")';
    const metric = resourcesOf(obs, 'google_logging_metric').find((m) => m.name === 'afpi/cost_anomaly_days');
    expect(metric).toEqual(
      expect.objectContaining({
        filter: runErrors(marked),
        metric_descriptor: { metric_kind: 'DELTA', value_type: 'INT64', unit: '1' },
      }),
    );
    const policy = policies(obs).cost_anomaly;
    expect(policy.severity).toBe('ERROR');
    expect(threshold(policy)).toEqual(
      expect.objectContaining({
        filter: 'metric.type="logging.googleapis.com/user/afpi/cost_anomaly_days"',
        comparison: 'COMPARISON_GT',
        threshold_value: 0,
        duration: '0s',
        aggregations: [
          { alignment_period: '3600s', per_series_aligner: 'ALIGN_SUM', cross_series_reducer: 'REDUCE_SUM' },
        ],
      }),
    );
    // A run that fails for any other reason (export not on yet) warns instead of leaving the check blind.
    expect(
      resourcesOf(obs, 'google_logging_metric').find((m) => m.name === 'afpi/cost_check_failures'),
    ).toEqual(
      expect.objectContaining({
        filter: runErrors(`NOT ${marked}`),
      }),
    );
    const failed = policies(obs).cost_anomaly_check_failed;
    expect(failed.severity).toBe('WARNING');
    expect(threshold(failed)).toEqual(
      expect.objectContaining({
        filter: 'metric.type="logging.googleapis.com/user/afpi/cost_check_failures"',
        comparison: 'COMPARISON_GT',
        threshold_value: 0,
      }),
    );
    expect(resourcesOf(obs, 'google_project_service').map((s) => s.service)).toEqual(
      expect.arrayContaining(['bigquery.googleapis.com', 'bigquerydatatransfer.googleapis.com']),
    );
    expect(obs?.output?.cost_anomaly_alert.value).toBe(
      'on: daily cost > 1.5x of 500 USD (billing export in dataset billing_export: turn the export on in the Billing console); monthly guard 1.5x of 15000 USD',
    );
  });

  it('cost_monthly_guard: a budget at 1.5x of the baseline month, to the email channels only', () => {
    const budget = onlyResource(full.observability, 'google_billing_budget');
    const emails = channelNames(full.observability, 'email');
    expect(emails).toHaveLength(1);
    expect(budget).toEqual(
      expect.objectContaining({
        display_name: 'AFPI prod cost_monthly_guard',
        billing_account: '01ABCD-23EF45-6789AB',
        amount: { specified_amount: { currency_code: 'USD', units: '15000' } },
        threshold_rules: [
          { threshold_percent: 1.5, spend_basis: 'FORECASTED_SPEND' },
          { threshold_percent: 1.5, spend_basis: 'CURRENT_SPEND' },
          { threshold_percent: 1, spend_basis: 'CURRENT_SPEND' },
        ],
        budget_filter: expect.objectContaining({
          projects: [
            expect.stringMatching(
              /^projects\/\$\{data\.google_project\.cost-anomaly_project_[A-F0-9]+\.number\}$/,
            ),
          ],
          calendar_period: 'MONTH',
        }),
        // Budgets take email channels only: not the webhook or PagerDuty channel of this variant.
        all_updates_rule: expect.objectContaining({
          monitoring_notification_channels: emails,
          disable_default_iam_recipients: false,
        }),
      }),
    );
    expect(resourcesOf(full.observability, 'google_project_service').map((s) => s.service)).toContain(
      'billingbudgets.googleapis.com',
    );
  });

  it('cost_monthly_guard: at most 5 email channels, whatever the number of addresses', () => {
    const { loaded } = loadVariant('prod', {
      observability: {
        billingAccountId: '01ABCD-23EF45-6789AB',
        costAnomaly: { enabled: true },
        notifications: {
          emails: ['a@afpip.com', 'b@afpip.com', 'c@afpip.com', 'd@afpip.com', 'e@afpip.com', 'f@afpip.com'],
        },
      },
    });
    const budget = onlyResource(synthApp(loaded!.config).observability, 'google_billing_budget');
    const rule = budget.all_updates_rule as { monitoring_notification_channels: string[] };
    expect(rule.monitoring_notification_channels).toHaveLength(5);
    expect(rule.monitoring_notification_channels[0]).toMatch(/channels_email-0_/);
  });
});

describe('observability stack: resource alerts', () => {
  const prodPolicies = policies(prod.observability);

  it.each([
    ['sql_cpu_high', 'cloudsql.googleapis.com/database/cpu/utilization', 0.8, '600s', 'WARNING'],
    ['sql_disk_high', 'cloudsql.googleapis.com/database/disk/utilization', 0.85, '300s', 'WARNING'],
    ['sql_replication_lag', 'cloudsql.googleapis.com/database/replication/replica_lag', 60, '300s', 'ERROR'],
  ])(
    "%s watches %s of the data stack's instance (> %s for %s, %s)",
    (name, metric, value, duration, severity) => {
      const policy = prodPolicies[name];
      expect(policy.severity).toBe(severity);
      const condition = threshold(policy);
      expect(condition).toEqual(
        expect.objectContaining({ comparison: 'COMPARISON_GT', threshold_value: value, duration }),
      );
      const instance = name === 'sql_replication_lag' ? 'afpi-mysql-replica' : 'afpi-mysql';
      expect(condition.filter).toBe(
        `metric.type="${metric}" AND resource.type="cloudsql_database" AND resource.label.database_id="afpi-production:${instance}"`,
      );
      upstreamNamed(prod.data, 'google_sql_database_instance', instance);
    },
  );

  it('model_sync_failed: a failed model-sync Job (its Kubernetes event, counted from the logs), error (issue 18)', () => {
    const metric = upstreamNamed(prod.observability, 'google_logging_metric', 'afpi/model_sync_failures');
    expect(metric.filter).toBe(
      'log_id("events") AND jsonPayload.involvedObject.kind="Job" AND jsonPayload.involvedObject.namespace="inference" AND jsonPayload.involvedObject.name=~"^model-sync-" AND jsonPayload.reason=("BackoffLimitExceeded" OR "DeadlineExceeded")',
    );
    expect(metric.metric_descriptor).toEqual(
      expect.objectContaining({ metric_kind: 'DELTA', value_type: 'INT64' }),
    );
    const policy = prodPolicies.model_sync_failed;
    expect(policy).toEqual(expect.objectContaining({ severity: 'ERROR' }));
    expect(threshold(policy)).toEqual(
      expect.objectContaining({
        filter:
          'metric.type="logging.googleapis.com/user/afpi/model_sync_failures" AND resource.type="k8s_cluster"',
        comparison: 'COMPARISON_GT',
        threshold_value: 0,
        duration: '0s',
      }),
    );
    // The policy waits for its metric; the events come from the namespace and Job names the inference stack uses.
    expect(policy.depends_on).toContainEqual(
      expect.stringMatching(/^google_logging_metric\.model-sync-failures_metric/),
    );
    expect(upstreamNamed(prod.inference, 'helm_release', 'model-sync')).toEqual(
      expect.objectContaining({ namespace: expect.stringContaining('kubernetes_namespace_v1.namespace') }),
    );
    expect(
      resourcesOf(prod.inference, 'kubernetes_namespace_v1').map(
        (n) => (n.metadata as { name: string }).name,
      ),
    ).toContain('inference');
    expect(onlyResource(prod['gke-gpu'], 'google_container_cluster')).toEqual(
      expect.objectContaining({
        logging_config: { enable_components: expect.arrayContaining(['SYSTEM_COMPONENTS']) },
      }),
    );
    // No GPUs, no model-sync.
    expect(policies(growth.observability).model_sync_failed).toBeUndefined();
    expect(resourcesOf(growth.observability, 'google_logging_metric').map((m) => m.name)).not.toContain(
      'afpi/model_sync_failures',
    );
  });

  it('has a replication-lag alert only where a replica exists', () => {
    expect(resourcesOf(dev.data, 'google_sql_database_instance')).toHaveLength(1);
    expect(policies(dev.observability).sql_replication_lag).toBeUndefined();
  });

  it("redis_memory_high watches the data stack's Redis instance (> 80 % for 5 minutes)", () => {
    const condition = threshold(prodPolicies.redis_memory_high);
    expect(condition).toEqual(
      expect.objectContaining({ comparison: 'COMPARISON_GT', threshold_value: 0.8, duration: '300s' }),
    );
    expect(condition.filter).toBe(
      'metric.type="redis.googleapis.com/stats/memory/usage_ratio" AND resource.type="redis_instance" AND resource.label.instance_id="projects/afpi-production/locations/us-central1/instances/afpi-redis"',
    );
    expect(upstreamNamed(prod.data, 'google_redis_instance', 'afpi-redis')).toEqual(
      expect.objectContaining({ region: 'us-central1' }),
    );
  });

  it('cloud_run_at_max_instances compares each service with its configured maxInstances', () => {
    const policy = prodPolicies.cloud_run_at_max_instances;
    const services = resourcesOf(prod['cloud-run'], 'google_cloud_run_v2_service');
    for (const [index, name] of ['afpi-frontend', 'afpi-backend'].entries()) {
      const service = services.find((s) => s.name === name)!;
      const max = (service.template as { scaling: { max_instance_count: number } }).scaling
        .max_instance_count;
      expect(threshold(policy, index)).toEqual(
        expect.objectContaining({
          filter: `metric.type="run.googleapis.com/container/instance_count" AND resource.type="cloud_run_revision" AND resource.label.service_name="${name}" AND metric.label.state="active"`,
          comparison: 'COMPARISON_GE',
          threshold_value: max,
          duration: '300s',
        }),
      );
    }
  });

  it('gives every policy severity, documentation, auto-close, and the channels of its severity', () => {
    for (const app of [prod, dev, startup]) {
      const emails = channelNames(app.observability, 'email');
      expect(emails).toHaveLength(1);
      // prod pages critical alerts through PagerDuty; dev sends everything by email (pageSeverities: []).
      const paging = channelNames(app.observability, 'pagerduty');
      expect(paging).toHaveLength(app === prod ? 1 : 0);
      for (const policy of resourcesOf(app.observability, 'google_monitoring_alert_policy')) {
        expect(policy).toEqual(
          expect.objectContaining({
            enabled: true,
            severity: expect.stringMatching(/^(CRITICAL|ERROR|WARNING)$/),
            notification_channels: policy.severity === 'CRITICAL' ? [...emails, ...paging] : emails,
            alert_strategy: { auto_close: '1800s' },
            documentation: expect.objectContaining({
              mime_type: 'text/markdown',
              content: expect.stringMatching(/^## What it means\n.+\n\n## First steps\n1\. .+\n2\. /s),
              subject: expect.stringMatching(/^\[AFPI (prod|dev)\] (CRITICAL|ERROR|WARNING) /),
            }),
          }),
        );
      }
    }
    // Critical in prod: the error rate, both uptime checks and the fast and medium burns of both SLOs.
    const critical = resourcesOf(prod.observability, 'google_monitoring_alert_policy')
      .filter((p) => p.severity === 'CRITICAL')
      .map((p) => (p.user_labels as Record<string, string>).alert)
      .sort();
    expect(critical).toEqual([
      'error_rate_spike',
      'slo_availability_fast_burn',
      'slo_availability_medium_burn',
      'slo_latency_fast_burn',
      'slo_latency_medium_burn',
      'uptime_check_failed',
      'uptime_check_failed',
    ]);
  });
});

describe('observability stack: uptime checks', () => {
  const checks = resourcesOf(prod.observability, 'google_monitoring_uptime_check_config');
  const prodPolicies = policies(prod.observability);

  it.each([
    ['afpip.com', '/'],
    ['api.afpip.com', '/health'],
  ])('checks https://%s%s over TLS from three continents and alerts on failure', (host, path) => {
    const check = checks.find(
      (c) => (c.monitored_resource as { labels: { host: string } }).labels.host === host,
    )!;
    expect(check).toEqual(
      expect.objectContaining({
        period: '60s',
        selected_regions: ['USA', 'EUROPE', 'ASIA_PACIFIC'],
        monitored_resource: { type: 'uptime_url', labels: { project_id: 'afpi-production', host } },
        http_check: expect.objectContaining({ path, port: 443, use_ssl: true, validate_ssl: true }),
      }),
    );
    const policy = prodPolicies[`Uptime check failing: https://${host}${path}`];
    expect(policy.severity).toBe('CRITICAL');
    expect(threshold(policy)).toEqual(
      expect.objectContaining({
        filter: `metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND resource.label.host="${host}"`,
        comparison: 'COMPARISON_GE',
        threshold_value: 2,
        aggregations: [
          expect.objectContaining({
            per_series_aligner: 'ALIGN_NEXT_OLDER',
            cross_series_reducer: 'REDUCE_COUNT_FALSE',
          }),
        ],
      }),
    );
    // The filter names the host, not the check: the policy follows its check through depends_on instead.
    const checkKey = Object.keys(prod.observability!.resource!.google_monitoring_uptime_check_config).find(
      (key) => prod.observability!.resource!.google_monitoring_uptime_check_config[key] === check,
    );
    expect(policy.depends_on).toContain(`google_monitoring_uptime_check_config.${checkKey}`);
  });
});

describe('observability stack: SLOs', () => {
  const slos = (app: SynthesizedApp) =>
    Object.fromEntries(resourcesOf(app.observability, 'google_monitoring_slo').map((s) => [s.slo_id, s]));

  const lbFilter = (metric: string, extra = '') =>
    `metric.type="loadbalancing.googleapis.com/https/${metric}" AND resource.type="https_lb_rule" AND resource.label.url_map_name="afpi-https" AND resource.label.backend_target_name="afpi-backend"${extra}`;

  it('holds backend availability at 99.9 % over 28 days at the load balancer (its own 5xx count too)', () => {
    expect(onlyResource(prod.observability, 'google_monitoring_custom_service')).toEqual(
      expect.objectContaining({ service_id: 'afpi-backend' }),
    );
    expect(slos(prod).availability).toEqual(
      expect.objectContaining({
        goal: 0.999,
        rolling_period_days: 28,
        request_based_sli: {
          good_total_ratio: {
            total_service_filter: lbFilter('request_count'),
            bad_service_filter: lbFilter('request_count', ' AND metric.label.response_code_class=500'),
          },
        },
      }),
    );
  });

  it('holds 95 % of non-LLM API requests under 500 ms, 300 ms where the tier tightens it (seed Phase 2)', () => {
    const latency = (app: SynthesizedApp) => slos(app).latency;
    expect(latency(dev)).toEqual(
      expect.objectContaining({
        goal: 0.95,
        request_based_sli: {
          distribution_cut: {
            distribution_filter: lbFilter(
              'backend_latencies',
              ' AND resource.label.matched_url_path_rule="UNMATCHED"',
            ),
            range: { max: 500 },
          },
        },
      }),
    );
    expect(
      (latency(prod).request_based_sli as { distribution_cut: { range: unknown } }).distribution_cut.range,
    ).toEqual({ max: 300 });
  });

  it.each([
    ['availability', 'fast', '3600s', '300s', 14.4, 'CRITICAL'],
    ['availability', 'medium', '21600s', '1800s', 6, 'CRITICAL'],
    ['availability', 'slow', '86400s', '7200s', 3, 'WARNING'],
    ['latency', 'fast', '3600s', '300s', 14.4, 'CRITICAL'],
    ['latency', 'medium', '21600s', '1800s', 6, 'CRITICAL'],
    ['latency', 'slow', '86400s', '7200s', 3, 'WARNING'],
  ])(
    'alerts on a %s %s burn: %s AND %s windows both > %sx at once, %s',
    (slo, speed, long, short, rate, severity) => {
      const policy = policies(prod.observability)[`slo_${slo}_${speed}_burn`];
      expect(policy).toEqual(expect.objectContaining({ severity, combiner: 'AND' }));
      expect(policy.conditions).toHaveLength(2);
      [long, short].forEach((window, i) => {
        expect(threshold(policy, i)).toEqual({
          filter: `select_slo_burn_rate("projects/afpi-production/services/afpi-backend/serviceLevelObjectives/${slo}", "${window}")`,
          comparison: 'COMPARISON_GT',
          threshold_value: rate,
          // Both windows are evaluated as they are: the short one is what holds the incident open.
          duration: '0s',
          trigger: { count: 1 },
          evaluation_missing_data: 'EVALUATION_MISSING_DATA_INACTIVE',
        });
      });
      // The filter names the SLO by the service and SLO ids the stack gives them, so the SLO comes first.
      expect(slos(prod)[slo]).toEqual(expect.objectContaining({ service: 'afpi-backend', slo_id: slo }));
      expect(slos(prod)[slo].depends_on).toContain('google_monitoring_custom_service.backend-service');
      expect(policy.depends_on).toContainEqual(
        expect.stringMatching(new RegExp(`^google_monitoring_slo\\.slo-${slo}_slo_[A-F0-9]+$`)),
      );
    },
  );

  it('has exactly three burn-rate policies per SLO', () => {
    const burns = Object.keys(policies(prod.observability)).filter((name) => name.endsWith('_burn'));
    expect(burns.sort()).toEqual([
      'slo_availability_fast_burn',
      'slo_availability_medium_burn',
      'slo_availability_slow_burn',
      'slo_latency_fast_burn',
      'slo_latency_medium_burn',
      'slo_latency_slow_burn',
    ]);
  });
});

describe('observability stack: dashboards and business metrics', () => {
  const dashboards = (app: SynthesizedApp) =>
    Object.fromEntries(
      resourcesOf(app.observability, 'google_monitoring_dashboard').map((d) => {
        const json = JSON.parse(String(d.dashboard_json));
        return [json.displayName.split(': ')[1], json];
      }),
    );
  const logMetrics = Object.fromEntries(
    resourcesOf(prod.observability, 'google_logging_metric').map((m) => [
      `logging.googleapis.com/user/${m.name}`,
      m,
    ]),
  );
  /** Metric types every dashboard may chart: GCP system metrics of the services deployed, and our log metrics. */
  const SYSTEM_METRIC =
    /^(loadbalancing\.googleapis\.com\/https|run\.googleapis\.com|cloudsql\.googleapis\.com\/database|redis\.googleapis\.com|kubernetes\.io\/container\/accelerator)\//;

  it('builds serving, data and business dashboards everywhere, GPU/LLM only with GPUs', () => {
    expect(Object.keys(dashboards(prod)).sort()).toEqual(['GPU and LLM', 'business', 'data', 'serving']);
    expect(Object.keys(dashboards(dev)).sort()).toEqual(['GPU and LLM', 'business', 'data', 'serving']);
    expect(Object.keys(dashboards(startup)).sort()).toEqual(['business', 'data', 'serving']);
    expect(Object.keys(dashboards(growth)).sort()).toEqual(['business', 'data', 'serving']);
  });

  it('charts only metrics that exist, on resources of the stacks it watches', () => {
    for (const json of Object.values(dashboards(prod))) {
      const text = JSON.stringify(json);
      const types = [...text.matchAll(/metric\.type=\\"([^\\]+)\\"/g)].map((m) => m[1]);
      expect(types.length).toBeGreaterThan(0);
      for (const type of types) {
        if (type.startsWith('logging.googleapis.com/user/')) expect(logMetrics[type]).toBeDefined();
        else expect(type).toMatch(SYSTEM_METRIC);
      }
    }
    // The resources charted are the ones the upstream stacks deploy, by the names those stacks give them.
    const text = Object.values(dashboards(prod))
      .map((json) => JSON.stringify(json))
      .join('\n');
    const charted = (label: string) =>
      [...new Set(text.match(new RegExp(`(?<=resource\\.label\\.${label}=\\\\")[^\\\\]+`, 'g')))].sort();
    expect(charted('url_map_name')).toEqual(['afpi-https']);
    upstreamNamed(prod['cloud-run'], 'google_compute_url_map', 'afpi-https');
    expect(charted('database_id')).toEqual([
      'afpi-production:afpi-mysql',
      'afpi-production:afpi-mysql-replica',
    ]);
    upstreamNamed(prod.data, 'google_sql_database_instance', 'afpi-mysql');
    upstreamNamed(prod.data, 'google_sql_database_instance', 'afpi-mysql-replica');
    expect(charted('instance_id')).toEqual([
      'projects/afpi-production/locations/us-central1/instances/afpi-redis',
    ]);
    upstreamNamed(prod.data, 'google_redis_instance', 'afpi-redis');
    const services = resourcesOf(prod['cloud-run'], 'google_cloud_run_v2_service').map((s) => s.name);
    const serving = JSON.stringify(dashboards(prod).serving);
    for (const service of new Set(services))
      expect(serving).toContain(`resource.label.service_name=\\"${service}\\"`);
    const gpu = JSON.stringify(dashboards(prod)['GPU and LLM']);
    for (const query of [
      'DCGM_FI_DEV_GPU_UTIL{cluster=\\"afpi-prod\\"}',
      'DCGM_FI_DEV_FB_USED',
      'vllm:num_requests_waiting',
      'vllm:generation_tokens_total',
    ]) {
      expect(gpu).toContain(query);
    }
    // vLLM metrics reach Managed Prometheus through the inference stack's PodMonitoring.
    expect(JSON.stringify(prod.inference?.resource?.helm_release)).toContain('PodMonitoring');
  });

  it('writes dashboard JSON that Terraform keeps as it is, in JSON and in HCL output', () => {
    for (const d of resourcesOf(prod.observability, 'google_monitoring_dashboard')) {
      const json = String(d.dashboard_json);
      // Several lines: `synth --hcl` writes them as a heredoc, which keeps the JSON's `\"` escapes.
      expect(json.split('\n').length).toBeGreaterThan(10);
      // No Terraform template left unescaped: `${` and `%{` only as `$${` and `%%{` (read back as `${`, `%{`).
      expect(json.replace(/\$\$\{|%%\{/g, '')).not.toMatch(/\$\{|%\{/);
    }
    const legends = JSON.stringify(dashboards(prod).business).match(/"legendTemplate":"[^"]*"/g);
    expect(legends).toEqual([
      '"legendTemplate":"$${metric.labels.route}"',
      '"legendTemplate":"$${metric.labels.route}"',
    ]);
  });

  it('lays tiles on the 48-column mosaic without overlap and marks the alert thresholds', () => {
    const serving = dashboards(prod).serving;
    expect(serving.mosaicLayout.columns).toBe(48);
    const cells = serving.mosaicLayout.tiles.map(
      (t: { xPos: number; yPos: number }) => `${t.xPos},${t.yPos}`,
    );
    expect(new Set(cells).size).toBe(cells.length);
    const thresholds = serving.mosaicLayout.tiles.flatMap(
      (t: { widget: { xyChart: { thresholds?: { label: string; value: number }[] } } }) =>
        t.widget.xyChart.thresholds ?? [],
    );
    expect(thresholds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ label: 'high_latency', value: 1000 }),
        expect.objectContaining({ label: 'error_rate_spike', value: 0.05 }),
      ]),
    );
  });

  it("counts LLM conversations and their API cost from the backend's structured logs", () => {
    const filter =
      'resource.type="cloud_run_revision" AND resource.labels.service_name="afpi-backend" AND jsonPayload.event="llm_conversation"';
    const labelExtractors = {
      route: 'EXTRACT(jsonPayload.llm_route)',
      provider: 'EXTRACT(jsonPayload.llm_provider)',
      model: 'EXTRACT(jsonPayload.llm_model)',
    };
    expect(logMetrics['logging.googleapis.com/user/afpi/llm_conversations']).toEqual(
      expect.objectContaining({
        filter,
        label_extractors: labelExtractors,
        metric_descriptor: expect.objectContaining({ metric_kind: 'DELTA', value_type: 'INT64' }),
      }),
    );
    expect(logMetrics['logging.googleapis.com/user/afpi/llm_api_cost_usd']).toEqual(
      expect.objectContaining({
        filter: `${filter} AND jsonPayload.api_cost_usd>=0`,
        value_extractor: 'EXTRACT(jsonPayload.api_cost_usd)',
        label_extractors: labelExtractors,
        metric_descriptor: expect.objectContaining({
          metric_kind: 'DELTA',
          value_type: 'DISTRIBUTION',
          unit: '{USD}',
        }),
      }),
    );
  });

  it('has a business panel for each business metric', () => {
    const titles = dashboards(prod).business.mosaicLayout.tiles.map(
      (t: { widget: { title: string } }) => t.widget.title,
    );
    expect(titles).toEqual([
      'LLM conversations per hour (local vs API)',
      'LLM API cost per conversation (mean)',
      'Share of conversations answered locally',
    ]);
    const share =
      dashboards(prod).business.mosaicLayout.tiles[2].widget.xyChart.dataSets[0].timeSeriesQuery
        .timeSeriesFilterRatio;
    expect(share.numerator.filter).toContain('metric.label.route="local"');
    expect(share.denominator.filter).not.toContain('metric.label.route');
  });
});

describe('observability stack: logs and channels', () => {
  it('keeps the _Default log bucket 90 days (seed) and adds no audit sink unless asked', () => {
    expect(onlyResource(dev.observability, 'google_logging_project_bucket_config')).toEqual(
      expect.objectContaining({
        bucket_id: '_Default',
        location: 'global',
        retention_days: 90,
        project: 'afpi-dev',
      }),
    );
    expect(resourcesOf(dev.observability, 'google_logging_project_sink')).toHaveLength(0);
  });

  it('sends prod audit logs to a locked bucket kept a year (issue 21)', () => {
    expect(resourcesOf(prod.observability, 'google_logging_project_bucket_config')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ bucket_id: '_Default', retention_days: 90, project: 'afpi-production' }),
        expect.objectContaining({ bucket_id: 'audit-logs', retention_days: 365, locked: true }),
      ]),
    );
    expect(onlyResource(prod.observability, 'google_logging_project_sink')).toEqual(
      expect.objectContaining({ filter: 'logName:"cloudaudit.googleapis.com"' }),
    );
  });

  it('turns on Data Access audit logs (reads and writes) of secrets, keys, objects, SQL and GKE everywhere', () => {
    for (const app of [dev, prod, startup]) {
      const configs = resourcesOf(app.observability, 'google_project_iam_audit_config');
      expect(configs.map((c) => c.service).sort()).toEqual([
        'cloudkms.googleapis.com',
        'container.googleapis.com',
        'secretmanager.googleapis.com',
        'sqladmin.googleapis.com',
        'storage.googleapis.com',
      ]);
      for (const c of configs) {
        expect(c.audit_log_config).toEqual([{ log_type: 'DATA_READ' }, { log_type: 'DATA_WRITE' }]);
      }
    }
  });

  it('routes audit logs to their own bucket with its retention where config asks', () => {
    const buckets = resourcesOf(full.observability, 'google_logging_project_bucket_config');
    expect(buckets).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ bucket_id: 'audit-logs', retention_days: 400, locked: true }),
      ]),
    );
    expect(onlyResource(full.observability, 'google_logging_project_sink')).toEqual(
      expect.objectContaining({
        filter: 'logName:"cloudaudit.googleapis.com"',
        destination: expect.stringMatching(
          /^logging\.googleapis\.com\/\$\{google_logging_project_bucket_config\.log-retention_audit_[A-F0-9]+\.id\}$/,
        ),
        unique_writer_identity: true,
      }),
    );
  });

  it('reads webhook and PagerDuty credentials from Secret Manager, never from config', () => {
    const channels = resourcesOf(full.observability, 'google_monitoring_notification_channel');
    expect(channels.map((c) => c.type).sort()).toEqual(['email', 'pagerduty', 'webhook_tokenauth']);
    const secrets = resourcesOf(
      { resource: full.observability?.data },
      'google_secret_manager_secret_version',
    );
    expect(secrets.map((s) => s.secret).sort()).toEqual(['alert-webhook-url', 'pagerduty-key']);
    // Every plan reads them: the read-only CI planner may read these two secrets (and no other here).
    expect(
      resourcesOf(full.observability, 'google_secret_manager_secret_iam_member')
        .map((m) => [m.secret_id, m.role, m.member])
        .sort(),
    ).toEqual(
      ['alert-webhook-url', 'pagerduty-key'].map((secret) => [
        secret,
        'roles/secretmanager.secretAccessor',
        'serviceAccount:afpi-planner@afpi-production.iam.gserviceaccount.com',
      ]),
    );
    expect(channels.find((c) => c.type === 'pagerduty')?.sensitive_labels).toEqual({
      service_key: expect.stringMatching(
        /^\$\{data\.google_secret_manager_secret_version\.channels_pagerduty-secret_[A-F0-9]+\.secret_data\}$/,
      ),
    });
    // Email gets every severity; webhook and PagerDuty only what pages (CRITICAL by default).
    for (const policy of resourcesOf(full.observability, 'google_monitoring_alert_policy')) {
      expect(policy.notification_channels).toHaveLength(policy.severity === 'CRITICAL' ? 3 : 1);
    }
  });
});
