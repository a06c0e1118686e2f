import { ProjectIamAuditConfig } from '@cdktf/provider-google/lib/project-iam-audit-config';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

/**
 * Services whose reads and writes of data (secret versions, key use, objects including Terraform state,
 * database and cluster administration) must leave a trail: Data Access logs are off by default except for
 * BigQuery.
 */
export const DATA_ACCESS_AUDITED_SERVICES = [
  'secretmanager.googleapis.com',
  'cloudkms.googleapis.com',
  'storage.googleapis.com',
  'sqladmin.googleapis.com',
  'container.googleapis.com',
] as const;

export interface DataAccessAuditLogsProps {
  readonly projectId: string;
  /** @default DATA_ACCESS_AUDITED_SERVICES */
  readonly services?: readonly string[];
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Turns on Data Access audit logs (DATA_READ and DATA_WRITE) per service. Each service is its own
 * `google_project_iam_audit_config`, so other services' audit settings made outside Terraform stay untouched.
 * The logs land in `_Default` (and, with the audit sink, in the audit-logs bucket) and bill as log ingestion.
 */
export class DataAccessAuditLogs extends Construct {
  readonly configs: readonly ProjectIamAuditConfig[];

  constructor(scope: Construct, id: string, props: DataAccessAuditLogsProps) {
    super(scope, id);
    this.configs = (props.services ?? DATA_ACCESS_AUDITED_SERVICES).map(
      (service) =>
        new ProjectIamAuditConfig(this, service.split('.')[0], {
          project: props.projectId,
          service,
          auditLogConfig: [{ logType: 'DATA_READ' }, { logType: 'DATA_WRITE' }],
          dependsOn: props.dependsOn,
        }),
    );
  }
}
