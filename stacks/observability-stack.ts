import { MonitoringCustomService } from '@cdktf/provider-google/lib/monitoring-custom-service';
import { Annotations, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { AlertCondition, AlertPolicy, AlertPolicyProps } from '../constructs/alert-policy';
import { CostBudget } from '../constructs/cost-budget';
import { Dashboard } from '../constructs/dashboard';
import { BusinessLogMetrics } from '../constructs/log-metrics';
import { LogRetention } from '../constructs/log-retention';
import { NotificationChannels } from '../constructs/notification-channels';
import { ProjectServices } from '../constructs/project-services';
import { ServiceSlo } from '../constructs/service-slo';
import { UptimeCheck } from '../constructs/uptime-check';
import {
  chart,
  metricSeries,
  promSeries,
  ratioSeries,
  thresholdLine,
} from '../observability/dashboard-widgets';
import {
  businessSignals,
  cloudRunSignals,
  cloudSqlSignals,
  gpuDutyCycle,
  gpuQueries,
  loadBalancerSignals,
  redisSignals,
} from '../observability/signals';
import { COST_ANOMALY_OFF } from '../config/sections/observability';
import { AfpiStack, AfpiStackProps } from './afpi-stack';
import { CloudRunStack } from './cloud-run-stack';
import { DataStack } from './data-stack';
import { GkeGpuStack } from './gke-gpu-stack';

/** What the observability stack watches, taken from the stacks that own it. */
export interface ObservedPlatform {
  /** Cloud Run service names (cloud-run stack). */
  readonly frontendServiceName: string;
  readonly backendServiceName: string;
  /** URL map of the global external HTTPS load balancer (cloud-run stack). */
  readonly urlMapName: string;
  /** Primary Cloud SQL instance name (data stack). */
  readonly sqlInstanceName: string;
  /** Cross-region replica instance name, where there is one. @default - no replica, no lag alert */
  readonly sqlReplicaName?: string;
  /** Memorystore instance id, `projects/<p>/locations/<r>/instances/<name>` (data stack). */
  readonly redisInstanceId: string;
  /** GKE cluster with GPU pools (gke-gpu stack). @default - no GPUs: no GPU alert, no GPU/LLM dashboard */
  readonly gpuClusterName?: string;
}

export interface ObservabilityStackProps extends AfpiStackProps {
  readonly data: DataStack;
  readonly cloudRun: CloudRunStack;
  /** @default - no GKE: no GPU alert, no GPU/LLM dashboard */
  readonly gkeGpu?: GkeGpuStack;
}

/** The names and ids the alerts, SLOs and dashboards filter on. */
export function observedPlatform(props: ObservabilityStackProps): ObservedPlatform {
  const { data, cloudRun, gkeGpu } = props;
  return {
    frontendServiceName: cloudRun.frontend.serviceName,
    backendServiceName: cloudRun.backend.serviceName,
    // Names known at synth time, not cross-stack references: filters quote them, and `synth --hcl` cannot
    // quote a reference inside a string.
    urlMapName: cloudRun.loadBalancer.urlMapName,
    sqlInstanceName: data.sql.instanceName,
    sqlReplicaName: data.sql.replicaName,
    redisInstanceId: data.redis.instanceId,
    gpuClusterName: gkeGpu && gkeGpu.gpuPools.length > 0 ? gkeGpu.clusterName : undefined,
  };
}

/**
 * Watches everything the other stacks deploy: the seed's four alerts and the resource alerts beside them,
 * uptime checks, backend SLOs with burn-rate alerts, dashboards, the seed's business metrics, log retention and
 * the cost-anomaly budget.
 */
export class ObservabilityStack extends AfpiStack {
  readonly apis: ProjectServices;
  readonly channels: NotificationChannels;
  /** Every alert policy by its short name. */
  readonly alerts: Readonly<Record<string, AlertPolicy>>;
  readonly uptimeChecks: readonly UptimeCheck[];
  readonly backendService: MonitoringCustomService;
  readonly slos: readonly ServiceSlo[];
  readonly businessMetrics: BusinessLogMetrics;
  readonly logRetention: LogRetention;
  readonly dashboards: Readonly<Record<string, Dashboard>>;
  /** The cost_anomaly budget, unless switched off. */
  readonly costBudget?: CostBudget;
  readonly observed: ObservedPlatform;

  constructor(scope: Construct, props: ObservabilityStackProps) {
    super(scope, 'observability', props);
    const { config } = props;
    const observed = (this.observed = observedPlatform(props));
    const obs = config.observability;
    const { thresholds } = obs;
    const subjectPrefix = `[AFPI ${config.env}]`;
    const costAnomalyOn = obs.costAnomaly.enabled && obs.billingAccountId !== undefined;
    const usesSecrets = Boolean(
      obs.notifications.webhookUrlSecret || obs.notifications.pagerDutyServiceKeySecret,
    );

    this.apis = new ProjectServices(this, 'apis', {
      services: [
        'monitoring.googleapis.com',
        'logging.googleapis.com',
        ...(costAnomalyOn ? ['billingbudgets.googleapis.com'] : []),
        ...(usesSecrets ? ['secretmanager.googleapis.com'] : []),
      ],
    });
    const dependsOn = this.apis.dependables;
    this.channels = new NotificationChannels(this, 'channels', {
      displayPrefix: `AFPI ${config.env}`,
      emails: obs.notifications.emails,
      webhookUrlSecret: obs.notifications.webhookUrlSecret,
      pagerDutyServiceKeySecret: obs.notifications.pagerDutyServiceKeySecret,
      dependsOn,
    });
    const notificationChannels = this.channels.names;

    const lb = loadBalancerSignals(observed.urlMapName);
    const frontend = cloudRunSignals(observed.frontendServiceName);
    const backend = cloudRunSignals(observed.backendServiceName);
    const sql = cloudSqlSignals(`${config.projectId}:${observed.sqlInstanceName}`);
    const replica = observed.sqlReplicaName
      ? cloudSqlSignals(`${config.projectId}:${observed.sqlReplicaName}`)
      : undefined;
    const redis = redisSignals(observed.redisInstanceId);

    const alerts: Record<string, AlertPolicy> = {};
    const alert = (
      props: Omit<AlertPolicyProps, 'notificationChannels' | 'subjectPrefix' | 'dependsOn'>,
    ): AlertPolicy =>
      (alerts[props.name] = new AlertPolicy(this, props.name.replace(/_/g, '-'), {
        ...props,
        notificationChannels,
        subjectPrefix,
        dependsOn,
      }));
    const FIVE_MINUTES = 300;

    // Seed "Alerting Thresholds".
    alert({
      name: 'high_latency',
      displayName: `p95 latency above ${thresholds.p95LatencyMs} ms`,
      severity: 'WARNING',
      meaning: `The 95th percentile of request latency has been above ${thresholds.p95LatencyMs} ms for 5 minutes, at the load balancer (what users see) or inside the backend (what the API spends).`,
      firstSteps: [
        'Open the serving dashboard: is it the load balancer only (clients, CDN misses) or the backend too?',
        'For the backend: check instance count against max instances, Cloud SQL CPU and query insights, Redis, and LLM provider latency in the backend logs.',
        'If instances sit at the maximum, raise cloudRun.backend.maxInstances; if a new revision is slower, roll traffic back.',
      ],
      conditions: [
        {
          kind: 'threshold',
          displayName: `load balancer p95 > ${thresholds.p95LatencyMs} ms`,
          signal: lb.latencyP95,
          comparison: 'COMPARISON_GT',
          threshold: thresholds.p95LatencyMs,
          durationSeconds: FIVE_MINUTES,
        },
        {
          kind: 'threshold',
          displayName: `backend p95 > ${thresholds.p95LatencyMs} ms`,
          signal: backend.latencyP95,
          comparison: 'COMPARISON_GT',
          threshold: thresholds.p95LatencyMs,
          durationSeconds: FIVE_MINUTES,
        },
      ],
    });
    alert({
      name: 'error_rate_spike',
      displayName: `5xx error rate above ${thresholds.errorRatePercent} %`,
      severity: 'CRITICAL',
      meaning: `More than ${thresholds.errorRatePercent} % of the requests through the load balancer have failed with a 5xx for 5 minutes.`,
      firstSteps: [
        'Open the serving dashboard to see which service fails (frontend or backend) and since when.',
        "Read the failing service's error logs in Cloud Logging (severity>=ERROR), and check Cloud SQL / Redis health.",
        'If it started with a deploy, shift traffic back to the previous revision (cloudRun.<service>.traffic).',
      ],
      conditions: [
        {
          kind: 'threshold',
          displayName: `5xx / all requests > ${thresholds.errorRatePercent} %`,
          signal: lb.serverErrors,
          denominator: lb.requests,
          comparison: 'COMPARISON_GT',
          threshold: thresholds.errorRatePercent / 100,
          durationSeconds: FIVE_MINUTES,
        },
      ],
    });
    if (observed.gpuClusterName) {
      const gpu = gpuQueries(observed.gpuClusterName);
      alert({
        name: 'gpu_saturation',
        displayName: `GPU utilisation above ${thresholds.gpuUtilizationPercent} % for ${thresholds.gpuSaturationMinutes} min`,
        severity: 'WARNING',
        meaning: `A GPU of cluster ${observed.gpuClusterName} has been more than ${thresholds.gpuUtilizationPercent} % busy for ${thresholds.gpuSaturationMinutes} minutes: local inference is at capacity and requests queue.`,
        firstSteps: [
          'Open the GPU/LLM dashboard: is the vLLM queue growing, and on which model?',
          'Check the HPA and the GPU pool autoscaler: are more replicas pending for lack of GPU nodes or quota?',
          "Raise the pool's maxNodes or lower cloudRun.llmRouting.localSharePercent so more traffic falls back to the APIs.",
        ],
        conditions: [
          {
            kind: 'promql',
            displayName: `DCGM GPU utilisation > ${thresholds.gpuUtilizationPercent} %`,
            query: gpu.gpuUtilization,
            comparison: 'COMPARISON_GT',
            threshold: thresholds.gpuUtilizationPercent,
            durationSeconds: thresholds.gpuSaturationMinutes * 60,
          },
        ],
      });
    }

    // Resource alerts beside the seed's.
    alert({
      name: 'sql_cpu_high',
      displayName: `Cloud SQL CPU above ${thresholds.sqlCpuPercent} %`,
      severity: 'WARNING',
      meaning: `The primary Cloud SQL instance ${observed.sqlInstanceName} has used more than ${thresholds.sqlCpuPercent} % CPU for 10 minutes; queries slow down and latency follows.`,
      firstSteps: [
        'Open Query insights for the instance and find the top queries by CPU.',
        'Check the backend for a retry storm or a missing cache (Redis hit ratio on the data dashboard).',
        'If the load is legitimate, raise data.sql.tier.',
      ],
      conditions: [
        {
          kind: 'threshold',
          displayName: `CPU > ${thresholds.sqlCpuPercent} %`,
          signal: sql.cpuUtilization,
          comparison: 'COMPARISON_GT',
          threshold: thresholds.sqlCpuPercent / 100,
          durationSeconds: 2 * FIVE_MINUTES,
        },
      ],
    });
    alert({
      name: 'sql_disk_high',
      displayName: `Cloud SQL disk above ${thresholds.sqlDiskPercent} %`,
      severity: 'WARNING',
      meaning: `The primary Cloud SQL instance's disk is more than ${thresholds.sqlDiskPercent} % full. Automatic storage increase grows it, but growth is one-way and a full disk stops writes.`,
      firstSteps: [
        'Check what grew: tables, binary logs (PITR), temporary files.',
        'Purge or archive data that is no longer needed; review data.sql.logRetentionDays.',
        'Confirm storage auto-increase is on and its limit is not reached.',
      ],
      conditions: [
        {
          kind: 'threshold',
          displayName: `disk > ${thresholds.sqlDiskPercent} %`,
          signal: sql.diskUtilization,
          comparison: 'COMPARISON_GT',
          threshold: thresholds.sqlDiskPercent / 100,
          durationSeconds: FIVE_MINUTES,
        },
      ],
    });
    if (replica) {
      alert({
        name: 'sql_replication_lag',
        displayName: `Cloud SQL replica lag above ${thresholds.sqlReplicationLagSeconds} s`,
        severity: 'ERROR',
        meaning: `The cross-region standby ${observed.sqlReplicaName} is more than ${thresholds.sqlReplicationLagSeconds} s behind the primary; a failover now would lose that much data (seed RPO: < 5 minutes).`,
        firstSteps: [
          "Check the replica's CPU and disk and the primary's write rate (data dashboard).",
          'Look for long transactions or large batch writes on the primary.',
          'If the lag keeps growing, consider a larger replica tier; do not promote the replica while it lags unless the primary is lost.',
        ],
        conditions: [
          {
            kind: 'threshold',
            displayName: `replica lag > ${thresholds.sqlReplicationLagSeconds} s`,
            signal: replica.replicaLag,
            comparison: 'COMPARISON_GT',
            threshold: thresholds.sqlReplicationLagSeconds,
            durationSeconds: FIVE_MINUTES,
          },
        ],
      });
    }
    alert({
      name: 'redis_memory_high',
      displayName: `Redis memory above ${thresholds.redisMemoryPercent} %`,
      severity: 'WARNING',
      meaning: `Memorystore uses more than ${thresholds.redisMemoryPercent} % of its memory; evictions of cache and session keys follow, and sessions may be lost.`,
      firstSteps: [
        'Check the cache hit ratio and key count on the data dashboard.',
        'Look for keys without TTL written by the backend.',
        'If the working set really grew, raise data.redis.memorySizeGb.',
      ],
      conditions: [
        {
          kind: 'threshold',
          displayName: `memory > ${thresholds.redisMemoryPercent} %`,
          signal: redis.memoryUsageRatio,
          comparison: 'COMPARISON_GT',
          threshold: thresholds.redisMemoryPercent / 100,
          durationSeconds: FIVE_MINUTES,
        },
      ],
    });
    const services = [
      {
        role: 'frontend',
        name: observed.frontendServiceName,
        signals: frontend,
        max: config.cloudRun.frontend.maxInstances,
      },
      {
        role: 'backend',
        name: observed.backendServiceName,
        signals: backend,
        max: config.cloudRun.backend.maxInstances,
      },
    ];
    alert({
      name: 'cloud_run_at_max_instances',
      displayName: 'Cloud Run service at its maximum instances',
      severity: 'WARNING',
      meaning:
        'A Cloud Run service has run at its configured maximum number of instances for 5 minutes: it cannot scale further, so requests queue and latency and 429/5xx responses follow.',
      firstSteps: [
        'Confirm on the serving dashboard whether latency or errors rise with it.',
        'Check for abuse (Cloud Armor rate-limit logs) before adding capacity.',
        'Raise cloudRun.<service>.maxInstances (mind Cloud SQL connection limits) or concurrency.',
      ],
      conditions: services.map((s): AlertCondition => ({
        kind: 'threshold',
        displayName: `${s.role} instances >= ${s.max}`,
        signal: s.signals.instances,
        comparison: 'COMPARISON_GE',
        threshold: s.max,
        durationSeconds: FIVE_MINUTES,
      })),
    });

    // Uptime: the apex serves the frontend, api.<domain> the backend.
    this.uptimeChecks = [
      { id: 'frontend', host: config.domain, path: '/' },
      { id: 'api', host: `api.${config.domain}`, path: config.cloudRun.backend.healthPath },
    ].map(
      (target) =>
        new UptimeCheck(this, `uptime-${target.id}`, {
          projectId: config.projectId,
          host: target.host,
          path: target.path,
          periodSeconds: obs.uptime.periodSeconds,
          notificationChannels,
          subjectPrefix,
          dependsOn,
        }),
    );

    // SLOs on the backend.
    const backendServiceId = 'afpi-backend';
    this.backendService = new MonitoringCustomService(this, 'backend-service', {
      serviceId: backendServiceId,
      displayName: `AFPI backend API (${observed.backendServiceName})`,
      dependsOn,
    });
    const sloCommon = {
      projectId: config.projectId,
      serviceId: backendServiceId,
      rollingPeriodDays: obs.slo.rollingPeriodDays,
      fastBurn: obs.slo.fastBurn,
      slowBurn: obs.slo.slowBurn,
      notificationChannels,
      subjectPrefix,
      dependsOn: [...dependsOn, this.backendService],
    };
    this.slos = [
      new ServiceSlo(this, 'slo-availability', {
        ...sloCommon,
        sloId: 'availability',
        displayName: `Backend availability ${obs.slo.availabilityPercent} %`,
        goalPercent: obs.slo.availabilityPercent,
        sli: {
          kind: 'availability',
          totalFilter: backend.requests.filter,
          badFilter: backend.serverErrors.filter,
        },
      }),
      new ServiceSlo(this, 'slo-latency', {
        ...sloCommon,
        sloId: 'latency',
        displayName: `Backend ${obs.slo.latencyGoalPercent} % of requests under ${obs.slo.latencyP95Ms} ms`,
        goalPercent: obs.slo.latencyGoalPercent,
        sli: {
          kind: 'latency',
          distributionFilter: backend.latencyFilter,
          thresholdMs: obs.slo.latencyP95Ms,
        },
      }),
    ];

    this.businessMetrics = new BusinessLogMetrics(this, 'business-metrics', {
      backendServiceName: observed.backendServiceName,
      dependsOn,
    });
    this.logRetention = new LogRetention(this, 'log-retention', {
      projectId: config.projectId,
      defaultRetentionDays: obs.logRetentionDays,
      auditSink: obs.auditLogSink.enabled
        ? { retentionDays: obs.auditLogSink.retentionDays, locked: obs.auditLogSink.locked }
        : undefined,
      dependsOn,
    });

    // Dashboards.
    const title = (name: string) => `AFPI ${config.env}: ${name}`;
    const business = businessSignals();
    const dashboards: Record<string, Dashboard> = {
      serving: new Dashboard(this, 'dashboard-serving', {
        displayName: title('serving'),
        widgets: [
          chart(
            'Load balancer p95 latency',
            'ms',
            [metricSeries(lb.latencyP95)],
            [thresholdLine('high_latency', thresholds.p95LatencyMs)],
          ),
          chart(
            'Load balancer 5xx ratio',
            'ratio',
            [ratioSeries(lb.serverErrors, lb.requests)],
            [thresholdLine('error_rate_spike', thresholds.errorRatePercent / 100)],
          ),
          chart(
            'Cloud Run p95 latency',
            'ms',
            services.map((s) => metricSeries(s.signals.latencyP95, { legend: s.role })),
            [thresholdLine('high_latency', thresholds.p95LatencyMs)],
          ),
          chart(
            'Cloud Run requests/s',
            'req/s',
            services.map((s) => metricSeries(s.signals.requests, { legend: s.role })),
          ),
          chart(
            'Cloud Run 5xx/s',
            'req/s',
            services.map((s) => metricSeries(s.signals.serverErrors, { legend: s.role })),
          ),
          chart(
            'Cloud Run instances',
            'instances',
            services.map((s) => metricSeries(s.signals.instances, { legend: s.role })),
          ),
        ],
        dependsOn,
      }),
      data: new Dashboard(this, 'dashboard-data', {
        displayName: title('data'),
        widgets: [
          chart(
            'Cloud SQL CPU',
            'fraction',
            [
              metricSeries(sql.cpuUtilization, { legend: 'primary' }),
              ...(replica ? [metricSeries(replica.cpuUtilization, { legend: 'replica' })] : []),
            ],
            [thresholdLine('sql_cpu_high', thresholds.sqlCpuPercent / 100)],
          ),
          chart(
            'Cloud SQL disk',
            'fraction',
            [metricSeries(sql.diskUtilization)],
            [thresholdLine('sql_disk_high', thresholds.sqlDiskPercent / 100)],
          ),
          chart('Cloud SQL connections', 'connections', [metricSeries(sql.connections)]),
          chart('Cloud SQL queries/s', 'queries/s', [metricSeries(sql.queries)]),
          ...(replica
            ? [
                chart(
                  'Cloud SQL replica lag',
                  's',
                  [metricSeries(replica.replicaLag)],
                  [thresholdLine('sql_replication_lag', thresholds.sqlReplicationLagSeconds)],
                ),
              ]
            : []),
          chart(
            'Redis memory usage',
            'ratio',
            [metricSeries(redis.memoryUsageRatio)],
            [thresholdLine('redis_memory_high', thresholds.redisMemoryPercent / 100)],
          ),
          chart(
            'Redis cache hit ratio',
            'ratio',
            [metricSeries(redis.cacheHitRatio)],
            [thresholdLine('seed Phase 2 goal: 50 %', 0.5, 'YELLOW')],
          ),
          chart('Redis connected clients', 'clients', [metricSeries(redis.connectedClients)]),
        ],
        dependsOn,
      }),
      business: new Dashboard(this, 'dashboard-business', {
        displayName: title('business'),
        widgets: [
          chart('LLM conversations per hour (local vs API)', 'conversations', [
            metricSeries(business.conversationsByRoute, {
              plotType: 'STACKED_BAR',
              legend: '${metric.labels.route}',
            }),
          ]),
          chart('LLM API cost per conversation (mean)', 'USD', [
            metricSeries(business.apiCostPerConversation, { legend: '${metric.labels.route}' }),
          ]),
          chart(
            'Share of conversations answered locally',
            'ratio',
            [ratioSeries(business.localConversations, business.allConversations)],
            [
              thresholdLine(
                'cloudRun.llmRouting.localSharePercent',
                config.cloudRun.llmRouting.localSharePercent / 100,
                'YELLOW',
              ),
            ],
          ),
        ],
        dependsOn,
      }),
    };
    if (observed.gpuClusterName) {
      const gpu = gpuQueries(observed.gpuClusterName);
      dashboards.gpu = new Dashboard(this, 'dashboard-gpu', {
        displayName: title('GPU and LLM'),
        widgets: [
          chart(
            'GPU utilisation (DCGM)',
            '%',
            [promSeries(gpu.gpuUtilization)],
            [thresholdLine('gpu_saturation', thresholds.gpuUtilizationPercent)],
          ),
          chart('GPU duty cycle (GKE)', '%', [metricSeries(gpuDutyCycle(observed.gpuClusterName))]),
          chart('GPU memory used (DCGM)', 'MiB', [promSeries(gpu.gpuMemoryUsedMiB)]),
          chart('vLLM queued requests', 'requests', [promSeries(gpu.vllmQueue)]),
          chart('vLLM generated tokens/s', 'tokens/s', [promSeries(gpu.vllmTokensPerSecond)]),
        ],
        dependsOn,
      });
    }
    this.dashboards = dashboards;
    this.alerts = alerts;

    if (costAnomalyOn) {
      this.costBudget = new CostBudget(this, 'cost-anomaly', {
        billingAccountId: obs.billingAccountId!,
        projectId: config.projectId,
        displayName: `AFPI ${config.env} cost_anomaly`,
        dailyBaselineUsd: thresholds.dailyCostBaselineUsd,
        anomalyMultiplier: thresholds.costAnomalyMultiplier,
        notificationChannels,
        dependsOn,
      });
    } else {
      Annotations.of(this).addWarning(COST_ANOMALY_OFF);
    }
    new TerraformOutput(this, 'cost_anomaly_alert', {
      description: "Whether the seed's cost_anomaly alert (billing budget) is deployed",
      value: this.costBudget
        ? `on: ${thresholds.costAnomalyMultiplier}x of ${this.costBudget.monthlyAmountUsd} USD/month (${thresholds.dailyCostBaselineUsd} USD/day baseline)`
        : COST_ANOMALY_OFF,
    });
    new TerraformOutput(this, 'notification_channels', { value: notificationChannels });
  }
}
