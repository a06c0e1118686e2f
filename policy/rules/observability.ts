import { isSet, Rule, strings } from '../rule';

export const observabilityRules: Rule[] = [
  {
    id: 'AFPI-OBS-1',
    statement: 'Log bucket keeps logs fewer than 90 days',
    fix: 'set retention_days >= 90 (the _Default bucket keeps 30 days unless configured)',
    resourceTypes: ['google_logging_project_bucket_config'],
    // Log buckets keep 30 days when retention_days is unset.
    check: (a) => Number(a.retention_days ?? 30) >= 90,
  },
  {
    id: 'AFPI-OBS-2',
    statement: 'Alert policy notifies nobody (no notification channel)',
    fix: 'set notification_channels to the environment notification channels (observability stack)',
    resourceTypes: ['google_monitoring_alert_policy'],
    // A list token (e.g. a cross-stack reference) resolves to one "${...}" string that stands for the list.
    check: (a) => strings(a.notification_channels).some(isSet),
  },
];
