import { DataGoogleSecretManagerSecretVersion } from '@cdktf/provider-google/lib/data-google-secret-manager-secret-version';
import { MonitoringNotificationChannel } from '@cdktf/provider-google/lib/monitoring-notification-channel';
import { SecretManagerSecretIamMember } from '@cdktf/provider-google/lib/secret-manager-secret-iam-member';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Severity } from './alert-policy';

export interface NotificationChannelsProps {
  /** Prefix of display names, e.g. `AFPI prod`. */
  readonly displayPrefix: string;
  /** One email channel per address (at least one). */
  readonly emails: readonly string[];
  /** Secret Manager secret holding a webhook URL with its token. @default - no webhook channel */
  readonly webhookUrlSecret?: string;
  /** Secret Manager secret holding a PagerDuty Events v2 integration key. @default - no PagerDuty channel */
  readonly pagerDutyServiceKeySecret?: string;
  /** Severities that also go to the webhook and PagerDuty channels; emails get all. @default ["CRITICAL"] */
  readonly pageSeverities?: readonly Severity[];
  /**
   * IAM members that plan this stack read-only (the CI planner): every plan reads the paging secrets, so they
   * get `secretAccessor` on those secrets only (the values are in this stack's state, which they read anyway).
   * @default []
   */
  readonly planReaders?: readonly string[];
  /** Resources that must exist first (the Monitoring and Secret Manager APIs). @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * The channels the alerts and the cost budget notify: email for every severity, the paging channels (webhook,
 * PagerDuty) for the severities that page. Webhook and PagerDuty credentials are never in config:
 * they are read from Secret Manager at plan time (the latest version must exist), so the repository holds only
 * the secret's name.
 */
export class NotificationChannels extends Construct {
  readonly channels: MonitoringNotificationChannel[];
  readonly emailChannels: MonitoringNotificationChannel[];
  readonly pagingChannels: MonitoringNotificationChannel[] = [];
  private readonly pageSeverities: readonly Severity[];

  constructor(scope: Construct, id: string, props: NotificationChannelsProps) {
    super(scope, id);
    const secret = (key: string, secretId: string) => {
      (props.planReaders ?? []).forEach(
        (member, i) =>
          new SecretManagerSecretIamMember(this, `${key}-secret-plan-reader-${i}`, {
            secretId,
            role: 'roles/secretmanager.secretAccessor',
            member,
            dependsOn: props.dependsOn,
          }),
      );
      return new DataGoogleSecretManagerSecretVersion(this, `${key}-secret`, {
        secret: secretId,
        dependsOn: props.dependsOn,
      }).secretData;
    };
    const common = { forceDelete: false, enabled: true, dependsOn: props.dependsOn };

    this.pageSeverities = props.pageSeverities ?? ['CRITICAL'];
    this.emailChannels = props.emails.map(
      (address, i) =>
        new MonitoringNotificationChannel(this, `email-${i}`, {
          ...common,
          type: 'email',
          displayName: `${props.displayPrefix} email ${address}`,
          labels: { email_address: address },
        }),
    );
    if (props.webhookUrlSecret) {
      this.pagingChannels.push(
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
      this.pagingChannels.push(
        new MonitoringNotificationChannel(this, 'pagerduty', {
          ...common,
          type: 'pagerduty',
          displayName: `${props.displayPrefix} PagerDuty`,
          sensitiveLabels: { serviceKey: secret('pagerduty', props.pagerDutyServiceKeySecret) },
        }),
      );
    }
    this.channels = [...this.emailChannels, ...this.pagingChannels];
  }

  /** Channel names for an alert of `severity`: the emails, plus the paging channels if the severity pages. */
  forSeverity(severity: Severity): string[] {
    const paging = this.pageSeverities.includes(severity) ? this.pagingChannels : [];
    return [...this.emailChannels, ...paging].map((c) => c.name);
  }

  /** Channel names per severity. */
  get bySeverity(): Record<Severity, string[]> {
    return {
      CRITICAL: this.forSeverity('CRITICAL'),
      ERROR: this.forSeverity('ERROR'),
      WARNING: this.forSeverity('WARNING'),
    };
  }

  /** Email channel names: Cloud Billing budgets accept email channels only, at most 5. */
  get emailNames(): string[] {
    return this.emailChannels.map((c) => c.name);
  }

  /** Channel names (`projects/<p>/notificationChannels/<id>`) for alert policies and budgets. */
  get names(): string[] {
    return this.channels.map((c) => c.name);
  }
}
