import { LoggingProjectBucketConfig } from '@cdktf/provider-google/lib/logging-project-bucket-config';
import { LoggingProjectSink } from '@cdktf/provider-google/lib/logging-project-sink';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface LogRetentionProps {
  readonly projectId: string;
  /** Days the `_Default` bucket keeps logs (seed: 90). */
  readonly defaultRetentionDays: number;
  /** Route audit logs to their own bucket. @default - no audit sink */
  readonly auditSink?: {
    readonly retentionDays: number;
    /** Locked buckets cannot be deleted nor their retention shortened (irreversible). */
    readonly locked: boolean;
  };
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** Every Cloud Audit Logs stream: admin activity, data access, system events, policy denials. */
export const AUDIT_LOG_FILTER = 'logName:"cloudaudit.googleapis.com"';

/**
 * Log retention: the project's `_Default` bucket (where every non-audit log lands) kept for the configured days,
 * and optionally a sink copying audit logs into a dedicated bucket with its own, longer retention. (`_Required`
 * already keeps admin-activity audit logs 400 days; the sink adds data-access logs and a longer horizon.)
 */
export class LogRetention extends Construct {
  readonly defaultBucket: LoggingProjectBucketConfig;
  readonly auditBucket?: LoggingProjectBucketConfig;
  readonly auditSink?: LoggingProjectSink;

  constructor(scope: Construct, id: string, props: LogRetentionProps) {
    super(scope, id);
    // `_Default` exists in every project; this resource adopts it and only sets its retention.
    this.defaultBucket = new LoggingProjectBucketConfig(this, 'default', {
      project: props.projectId,
      location: 'global',
      bucketId: '_Default',
      retentionDays: props.defaultRetentionDays,
      dependsOn: props.dependsOn,
    });
    if (props.auditSink) {
      this.auditBucket = new LoggingProjectBucketConfig(this, 'audit', {
        project: props.projectId,
        location: 'global',
        bucketId: 'audit-logs',
        description: 'Cloud Audit Logs routed by the audit-logs sink',
        retentionDays: props.auditSink.retentionDays,
        locked: props.auditSink.locked,
        dependsOn: props.dependsOn,
      });
      // A log bucket in the same project needs no grant for the sink's writer identity.
      this.auditSink = new LoggingProjectSink(this, 'audit-sink', {
        name: 'audit-logs',
        description: 'Copies every audit log into the audit-logs bucket',
        destination: `logging.googleapis.com/${this.auditBucket.id}`,
        filter: AUDIT_LOG_FILTER,
        uniqueWriterIdentity: true,
      });
    }
  }
}
