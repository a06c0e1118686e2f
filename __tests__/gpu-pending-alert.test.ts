import { loadVariant, problemsOf } from './support/env-files';
import { onlyResource, resourcesOf, synthApp, SynthesizedStack, synthEnvironment } from './support/synth';

type Resource = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function pendingAlert(stack: SynthesizedStack | undefined): Resource | undefined {
  return resourcesOf(stack, 'google_monitoring_alert_policy').find(
    (p) => (p.user_labels as Record<string, string>).alert === 'gpu_workload_pending',
  );
}

const QUERY =
  '(count by (namespace, pod) ((kube_pod_status_phase{cluster="afpi-prod",phase="Pending"} == 1) and on (namespace, pod) (kube_pod_container_resource_requests{cluster="afpi-prod",resource="nvidia_com_gpu"} > 0))) > 0';

describe('alert gpu_workload_pending (capacity)', () => {
  const prod = synthEnvironment('prod');

  it('fires when a pod requesting GPUs is Pending for 15 minutes (default), as a warning with first steps', () => {
    const policy = pendingAlert(prod.observability)!;
    expect(policy).toEqual(
      expect.objectContaining({
        display_name: expect.stringContaining('GPU workload Pending for more than 15 min'),
        severity: 'WARNING',
        conditions: [
          expect.objectContaining({
            condition_prometheus_query_language: expect.objectContaining({
              query: QUERY,
              duration: '900s',
              disable_metric_validation: true,
            }),
          }),
        ],
      }),
    );
    expect(policy.documentation.content).toContain('kubectl get computeclass');
    expect(policy.notification_channels.length).toBeGreaterThan(0);
  });

  it('reads metrics the cluster exports without installs: managed kube-state-metrics (POD) through GMP', () => {
    expect(onlyResource(prod['gke-gpu'], 'google_container_cluster').monitoring_config).toEqual(
      expect.objectContaining({
        enable_components: expect.arrayContaining(['POD']),
        managed_prometheus: expect.objectContaining({ enabled: true }),
      }),
    );
  });

  it('takes N from observability.thresholds.gpuPendingMinutes, and refuses a bad N', () => {
    const { loaded } = loadVariant('prod', { observability: { thresholds: { gpuPendingMinutes: 5 } } });
    const policy = pendingAlert(synthApp(loaded!.config).observability)!;
    expect(policy.conditions[0].condition_prometheus_query_language.duration).toBe('300s');
    expect(problemsOf('prod', { observability: { thresholds: { gpuPendingMinutes: 0 } } })).toEqual([
      'config/environments/prod.yaml: observability.thresholds.gpuPendingMinutes (0) is below the minimum 1. Fix: raise it',
    ]);
  });

  it('exists only where there are GPU pools', () => {
    expect(pendingAlert(synthEnvironment('dev').observability)).toBeDefined();
    expect(pendingAlert(synthEnvironment('staging', 'growth').observability)).toBeUndefined();
    expect(pendingAlert(synthEnvironment('dev', 'startup').observability)).toBeUndefined();
  });
});
