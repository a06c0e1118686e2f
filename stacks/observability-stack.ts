import { MonitoringCustomService } from '@cdktf/provider-google/lib/monitoring-custom-service';
import { Annotations, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { ciAccountEmail, ciMember } from '../catalog/ci-roles';
import { AlertPolicy } from '../constructs/alert-policy';
import { CostBudget } from '../constructs/cost-budget';
import { DailyCostAnomaly } from '../constructs/daily-cost-anomaly';
import { Dashboard } from '../constructs/dashboard';
import { BusinessLogMetrics } from '../constructs/log-metrics';
import { DataAccessAuditLogs } from '../constructs/data-access-audit-logs';
import { LogRetention } from '../constructs/log-retention';
import { NotificationChannels } from '../constructs/notification-channels';
import { ProjectServices } from '../constructs/project-services';
import { PerimeterViolationsMetric } from '../constructs/perimeter-violations-metric';
import { MODEL_SYNC_RELEASE, modelSyncRuns } from '../inference/model-sync';
import { ModelSyncFailuresMetric } from '../constructs/model-sync-failures-metric';
import { ServicePerimeter } from '../constructs/service-perimeter';
import { ServiceSlo } from '../constructs/service-slo';
import { UptimeCheck } from '../constructs/uptime-check';
import { alertSpecs } from '../observability/alerts';
import { dashboardSpecs } from '../observability/dashboards';
import { ObservedPlatform, platformSignals } from '../observability/observed-platform';
import { COST_ANOMALY_OFF } from '../config/sections/observability';
import {
  CI_INGRESS_REASON,
  PERIMETER_RESTRICTED_SERVICES,
  PERIMETER_VPC_ACCESSIBLE_SERVICES,
  STATE_ADMINS_INGRESS_REASON,
  VPC_SC_OFF,
} from '../config/sections/security';
import { AfpiStack, AfpiStackProps } from './afpi-stack';
import { CloudRunStack } from './cloud-run-stack';
import { DataStack } from './data-stack';
import { GkeGpuStack } from './gke-gpu-stack';
import { ciPrincipals } from './state-stack';

export type { ObservedPlatform } from '../observability/observed-platform';

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
    // Each serving tier's load balancer backend service carries its service's name.
    frontendBackendServiceName: cloudRun.frontend.serviceName,
    backendBackendServiceName: cloudRun.backend.serviceName,
    sqlInstanceName: data.sql.instanceName,
    sqlReplicaName: data.sql.replicaName,
    redisInstanceId: data.redis.instanceId,
    gpuClusterName: gkeGpu && gkeGpu.gpuPools.length > 0 ? gkeGpu.clusterName : undefined,
  };
}

/**
 * Watches everything the other stacks deploy: the seed's four alerts and the resource alerts beside them,
 * uptime checks, backend SLOs with multi-window burn-rate alerts, dashboards, the seed's business metrics, log
 * retention, and the cost alerts (daily cost_anomaly, monthly budget guard).
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
  /** DATA_READ/DATA_WRITE audit logs of the services that hold secrets, keys, objects and state. */
  readonly dataAccessLogs: DataAccessAuditLogs;
  readonly dashboards: Readonly<Record<string, Dashboard>>;
  /** The daily cost_anomaly alert and its billing-export query, unless switched off. */
  readonly costAnomaly?: DailyCostAnomaly;
  /** The cost_monthly_guard budget, unless switched off. */
  readonly costBudget?: CostBudget;
  /**
   * The project's VPC Service Controls perimeter (security.vpcServiceControls). Here, last in deploy order: it
   * is applied once everything it fences exists, and it carries the CI identities' ingress in the same apply.
   */
  readonly perimeter?: ServicePerimeter;
  /** Counter of perimeter violations (with the perimeter). */
  readonly perimeterViolations?: PerimeterViolationsMetric;
  /** Counter of failed model-sync Jobs (when the inference stack stages weights). */
  readonly modelSyncFailures?: ModelSyncFailuresMetric;
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
        ...(costAnomalyOn
          ? [
              'billingbudgets.googleapis.com',
              'bigquery.googleapis.com',
              'bigquerydatatransfer.googleapis.com',
            ]
          : []),
        ...(usesSecrets ? ['secretmanager.googleapis.com'] : []),
      ],
    });
    const dependsOn = this.apis.dependables;
    this.channels = new NotificationChannels(this, 'channels', {
      displayPrefix: `AFPI ${config.env}`,
      emails: obs.notifications.emails,
      webhookUrlSecret: obs.notifications.webhookUrlSecret,
      pagerDutyServiceKeySecret: obs.notifications.pagerDutyServiceKeySecret,
      pageSeverities: obs.notifications.pageSeverities,
      planReaders: [`serviceAccount:${ciAccountEmail('planner', config.projectId)}`],
      dependsOn,
    });
    const channels = this.channels;

    const signals = platformSignals(config, observed);
    const fence = this.vpcServiceControls();
    this.perimeter = fence?.perimeter;
    this.perimeterViolations = fence?.violations;

    if (modelSyncRuns(config)) {
      this.modelSyncFailures = new ModelSyncFailuresMetric(this, 'model-sync-failures', {
        namespace: config.inference!.namespace,
        jobPrefix: MODEL_SYNC_RELEASE,
      });
    }
    const logMetrics = [this.perimeterViolations?.metric, this.modelSyncFailures?.metric].filter(
      (m) => m !== undefined,
    );

    const alerts: Record<string, AlertPolicy> = {};
    for (const spec of alertSpecs(config, observed, signals)) {
      alerts[spec.name] = new AlertPolicy(this, spec.name.replace(/_/g, '-'), {
        ...spec,
        notificationChannels: channels.forSeverity(spec.severity),
        subjectPrefix,
        // An alert policy on a log-based metric needs the metric to exist.
        dependsOn: [...dependsOn, ...logMetrics],
      });
    }
    this.alerts = alerts;

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
          notificationChannels: channels.forSeverity('CRITICAL'),
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
      burnRates: [
        { name: 'fast', ...obs.slo.fastBurn },
        { name: 'medium', ...obs.slo.mediumBurn },
        { name: 'slow', ...obs.slo.slowBurn },
      ],
      notificationChannels: channels.bySeverity,
      subjectPrefix,
      dependsOn: [...dependsOn, this.backendService],
    };
    this.slos = [
      new ServiceSlo(this, 'slo-availability', {
        ...sloCommon,
        sloId: 'availability',
        displayName: `Backend availability ${obs.slo.availabilityPercent} %`,
        goalPercent: obs.slo.availabilityPercent,
        // At the load balancer: its own 5xx (no healthy NEG) count too.
        sli: {
          kind: 'availability',
          totalFilter: signals.api.requests.filter,
          badFilter: signals.api.serverErrors.filter,
        },
      }),
      new ServiceSlo(this, 'slo-latency', {
        ...sloCommon,
        sloId: 'latency',
        displayName: `Backend ${obs.slo.latencyGoalPercent} % of requests under ${obs.slo.latencyP95Ms} ms`,
        goalPercent: obs.slo.latencyGoalPercent,
        // The API without its LLM paths (streamed turns take seconds by design).
        sli: {
          kind: 'latency',
          distributionFilter: signals.api.defaultPathBackendLatencyFilter,
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
    this.dataAccessLogs = new DataAccessAuditLogs(this, 'data-access-logs', { projectId: config.projectId });

    const dashboards: Record<string, Dashboard> = {};
    for (const { key, ...spec } of dashboardSpecs(config, signals)) {
      dashboards[key] = new Dashboard(this, `dashboard-${key}`, { ...spec, dependsOn });
    }
    this.dashboards = dashboards;

    if (costAnomalyOn) {
      this.costAnomaly = new DailyCostAnomaly(this, 'cost-anomaly-daily', {
        projectId: config.projectId,
        billingAccountId: obs.billingAccountId!,
        datasetId: obs.costAnomaly.billingExportDataset,
        location: obs.costAnomaly.billingExportLocation,
        dailyBaselineUsd: thresholds.dailyCostBaselineUsd,
        multiplier: thresholds.costAnomalyMultiplier,
        notificationChannels: channels.forSeverity('ERROR'),
        subjectPrefix,
        deployerMember: ciMember('deployer', config.projectId),
        dependsOn,
      });
      this.costBudget = new CostBudget(this, 'cost-anomaly', {
        billingAccountId: obs.billingAccountId!,
        projectId: config.projectId,
        displayName: `AFPI ${config.env} cost_monthly_guard`,
        dailyBaselineUsd: thresholds.dailyCostBaselineUsd,
        anomalyMultiplier: thresholds.costAnomalyMultiplier,
        emailChannels: channels.emailNames,
        dependsOn,
      });
    } else {
      Annotations.of(this).addWarning(COST_ANOMALY_OFF);
    }
    new TerraformOutput(this, 'cost_anomaly_alert', {
      description:
        "Whether the seed's cost_anomaly alert (daily, from the billing export) and the monthly budget guard are deployed",
      value: this.costBudget
        ? `on: daily cost > ${thresholds.costAnomalyMultiplier}x of ${thresholds.dailyCostBaselineUsd} USD (billing export in dataset ${obs.costAnomaly.billingExportDataset}: turn the export on in the Billing console); monthly guard ${thresholds.costAnomalyMultiplier}x of ${this.costBudget.monthlyAmountUsd} USD`
        : COST_ANOMALY_OFF,
    });
    new TerraformOutput(this, 'notification_channels', { value: channels.names });
  }

  /** The perimeter and its violations counter, or a synth warning that there is none. */
  private vpcServiceControls():
    { perimeter: ServicePerimeter; violations: PerimeterViolationsMetric } | undefined {
    const { config } = this;
    const vpcsc = config.security.vpcServiceControls;
    if (!vpcsc) {
      Annotations.of(this).addWarning(VPC_SC_OFF);
      return undefined;
    }
    const perimeter = new ServicePerimeter(this, 'perimeter', {
      accessPolicy: vpcsc.accessPolicy,
      name: `afpi_${config.env.replace(/[^A-Za-z0-9]/g, '_')}`,
      title: `AFPI ${config.env}`,
      projectId: config.projectId,
      mode: vpcsc.mode,
      restrictedServices: PERIMETER_RESTRICTED_SERVICES,
      vpcAccessibleServices: PERIMETER_VPC_ACCESSIBLE_SERVICES,
      ingress: [
        // Without it, enforcing locks the pipeline out of every stack (state included).
        {
          identities: ciPrincipals(config.projectId),
          reason: CI_INGRESS_REASON,
        },
        // Break-glass admins read and write state by hand (bootstrap, state surgery) and re-apply the state
        // stack (its CMEK key): storage and KMS only.
        ...(config.stateBucket.adminMembers.length > 0
          ? [
              {
                identities: config.stateBucket.adminMembers,
                services: ['storage.googleapis.com', 'cloudkms.googleapis.com'],
                reason: STATE_ADMINS_INGRESS_REASON,
              },
            ]
          : []),
        ...vpcsc.ingress,
      ],
      egress: vpcsc.egress,
    });
    return { perimeter, violations: new PerimeterViolationsMetric(this, 'vpc-sc-violations') };
  }
}
