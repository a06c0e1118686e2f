import { DataGoogleSecretManagerSecretVersion } from '@cdktf/provider-google/lib/data-google-secret-manager-secret-version';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface NotificationChannelsProps {
  /** Prefix of display names, e.g. `AFPI prod`. */
  readonly displayPrefix: string;
  /** One email channel per address (at least one). */
  readonly emails: readonly string[];
  /** Secret Manager secret holding a webhook URL with its token. @default - no webhook channel */
  readonly webhookUrlSecret?: string;
  /** Secret Manager secret holding a PagerDuty Events v2 integration key. @default - no PagerDuty channel */
  readonly pagerDutyServiceKeySecret?: string;
  /** Resources that must exist first (the Monitoring and Secret Manager APIs). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The channels every alert and the cost budget notify. Webhook and PagerDuty credentials are never in config:
 * they are read from Secret Manager at plan time (the latest version must exist), so the repository holds only
 * the secret's name.
 */
export class NotificationChannels extends Construct {
  readonly channels: MonitoringNotificationChannel[];

  constructor(scope: Construct, id: string, props: NotificationChannelsProps) {
    super(scope, id);
    const secret = (key: string, secretId: string) =>
      new DataGoogleSecretManagerSecretVersion(this, `${key}-secret`, {
        secret: secretId,
        dependsOn: props.dependsOn,
      }).secretData;
    const common = { forceDelete: false, enabled: true, dependsOn: props.dependsOn };

    this.channels = props.emails.map(
      (address, i) =>
        new MonitoringNotificationChannel(this, `email-${i}`, {
          ...common,
          type: 'email',
          displayName: `${props.displayPrefix} email ${address}`,
          labels: { email_address: address },
        }),
    );
    if (props.webhookUrlSecret) {
      this.channels.push(
        new MonitoringNotificationChannel(this, 'webhook', {
          ...common,
          type: 'webhook_tokenauth',
          displayName: `${props.displayPrefix} webhook`,
          // The URL carries the token; Terraform keeps it marked sensitive because it comes from a secret.
          labels: { url: secret('webhook', props.webhookUrlSecret) },
        }),
      );
    }
    if (props.pagerDutyServiceKeySecret) {
      this.channels.push(
        new MonitoringNotificationChannel(this, 'pagerduty', {
          ...common,
          type: 'pagerduty',
          displayName: `${props.displayPrefix} PagerDuty`,
          sensitiveLabels: { serviceKey: secret('pagerduty', props.pagerDutyServiceKeySecret) },
        }),
      );
    }
  }

  /** Channel names (`projects/<p>/notificationChannels/<id>`) for alert policies and budgets. */
  get names(): string[] {
    return this.channels.map((c) => c.name);
  }
}
