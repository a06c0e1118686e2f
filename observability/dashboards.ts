/**
 * The platform's dashboard layouts as data: which charts, in which order, with which threshold lines (the
 * alert thresholds, so a chart shows how close a signal is to paging). The stack turns each spec into a Dashboard.
 */
import { DashboardProps } from '../constructs/dashboard';
import { EnvironmentConfig } from '../config/schema';
import { chart, metricSeries, promSeries, ratioSeries, thresholdLine } from './dashboard-widgets';
import { PlatformSignals } from './observed-platform';

/** A dashboard before it is bound to the stack's dependencies; `key` names it in the stack's `dashboards`. */
export interface DashboardSpec extends Omit<DashboardProps, 'dependsOn'> {
  readonly key: string;
}

/** Serving, data and business dashboards, plus GPU/LLM where there are GPUs. */
export function dashboardSpecs(config: EnvironmentConfig, signals: PlatformSignals): DashboardSpec[] {
  const { thresholds } = config.observability;
  const { api, services, sql, replica, redis, business, gpu } = signals;
  const title = (name: string) => `AFPI ${config.env}: ${name}`;
  const specs: DashboardSpec[] = [
    {
      key: 'serving',
      displayName: title('serving'),
      widgets: [
        chart(
          'Load balancer p95 latency',
          'ms',
          services.map((s) => metricSeries(s.lb.latencyP95, { legend: s.role })),
          [thresholdLine('high_latency', thresholds.p95LatencyMs)],
        ),
        chart(
          'API p95 backend latency by path rule (UNMATCHED: all but the LLM paths)',
          'ms',
          [metricSeries(api.backendLatencyP95ByPathRule)],
          [thresholdLine('high_latency', thresholds.p95LatencyMs)],
        ),
        chart(
          'Load balancer 5xx ratio',
          'ratio',
          services.map((s) => ratioSeries(s.lb.serverErrors, s.lb.requests, { legend: s.role })),
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
    },
    {
      key: 'data',
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
    },
    {
      key: 'business',
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
    },
  ];
  if (gpu) {
    specs.push({
      key: 'gpu',
      displayName: title('GPU and LLM'),
      widgets: [
        chart(
          'GPU utilisation (DCGM)',
          '%',
          [promSeries(gpu.gpuUtilization)],
          [thresholdLine('gpu_saturation', thresholds.gpuUtilizationPercent)],
        ),
        chart('GPU duty cycle (GKE)', '%', [metricSeries(gpu.dutyCycle)]),
        chart('GPU memory used (DCGM)', 'MiB', [promSeries(gpu.gpuMemoryUsedMiB)]),
        chart('vLLM p95 time to first token', 's', [promSeries(gpu.vllmTimeToFirstTokenP95)]),
        chart('vLLM queued requests', 'requests', [promSeries(gpu.vllmQueue)]),
        chart('vLLM generated tokens/s', 'tokens/s', [promSeries(gpu.vllmTokensPerSecond)]),
      ],
    });
  }
  return specs;
}
