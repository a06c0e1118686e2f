import { Attributes, block, isFalse, isSet, isTrue, outsideDev, Rule } from '../rule';

const SQL = ['google_sql_database_instance'];

const settings = (a: Attributes) => block(a.settings);
const ipConfiguration = (a: Attributes) => block(settings(a).ip_configuration);
const backups = (a: Attributes) => block(settings(a).backup_configuration);
/** Replicas take their data, backups and failover from the primary. */
const isPrimary = (a: Attributes) => !isSet(a.master_instance_name);

export const sqlRules: Rule[] = [
  {
    id: 'AFPI-SQL-1',
    statement: 'Cloud SQL instance has a public IPv4 address',
    fix: 'set settings.ip_configuration.ipv4_enabled = false (it defaults to true) and connect over the private network',
    resourceTypes: SQL,
    check: (a) => isFalse(ipConfiguration(a).ipv4_enabled),
  },
  {
    id: 'AFPI-SQL-2',
    statement: 'Cloud SQL instance is not attached to a private network',
    fix: 'set settings.ip_configuration.private_network to the VPC with the private services access connection',
    resourceTypes: SQL,
    check: (a) => isSet(ipConfiguration(a).private_network),
  },
  {
    id: 'AFPI-SQL-3',
    statement: 'Cloud SQL instance accepts unencrypted connections',
    fix: 'set settings.ip_configuration.ssl_mode = "ENCRYPTED_ONLY" (or "TRUSTED_CLIENT_CERTIFICATE_REQUIRED")',
    resourceTypes: SQL,
    check: (a) =>
      ['ENCRYPTED_ONLY', 'TRUSTED_CLIENT_CERTIFICATE_REQUIRED'].includes(String(ipConfiguration(a).ssl_mode)),
  },
  {
    id: 'AFPI-SQL-4',
    statement: 'Cloud SQL primary has automated backups off or keeps fewer than 7',
    fix: 'set settings.backup_configuration.enabled = true and backup_retention_settings.retained_backups >= 7',
    resourceTypes: SQL,
    appliesTo: isPrimary,
    check: (a) => {
      const retention = block(backups(a).backup_retention_settings);
      const problems: string[] = [];
      if (!isTrue(backups(a).enabled)) problems.push('backups are off');
      // The API keeps 7 when retained_backups is unset.
      const kept = Number(retention.retained_backups ?? 7);
      if (retention.retention_unit !== undefined && retention.retention_unit !== 'COUNT') {
        problems.push(`retention_unit is ${String(retention.retention_unit)}`);
      } else if (!(kept >= 7)) problems.push(`retained_backups is ${kept}`);
      return problems;
    },
  },
  {
    id: 'AFPI-SQL-5',
    statement: 'Cloud SQL primary has no point-in-time recovery (MySQL binary log / PostgreSQL PITR)',
    fix: 'set settings.backup_configuration.binary_log_enabled = true (MySQL) or point_in_time_recovery_enabled = true (PostgreSQL)',
    resourceTypes: SQL,
    appliesTo: (a) => isPrimary(a) && /^(MYSQL|POSTGRES)/.test(String(a.database_version)),
    check: (a) =>
      String(a.database_version).startsWith('MYSQL')
        ? isTrue(backups(a).binary_log_enabled)
        : isTrue(backups(a).point_in_time_recovery_enabled),
  },
  {
    id: 'AFPI-SQL-6',
    statement: 'Cloud SQL instance can be deleted (Terraform or GCP deletion protection off)',
    fix: 'keep deletion_protection = true (Terraform) and set settings.deletion_protection_enabled = true (GCP)',
    resourceTypes: SQL,
    check: (a) => [
      ...(isFalse(a.deletion_protection) ? ['deletion_protection is false'] : []),
      ...(isTrue(settings(a).deletion_protection_enabled)
        ? []
        : ['settings.deletion_protection_enabled is not true']),
    ],
  },
  {
    id: 'AFPI-SQL-7',
    statement: 'Cloud SQL instance is not encrypted with a customer-managed key (CMEK)',
    fix: 'set encryption_key_name to a Cloud KMS key in the instance region that the Cloud SQL service agent can use',
    resourceTypes: SQL,
    check: (a) => isSet(a.encryption_key_name),
  },
  {
    id: 'AFPI-SQL-8',
    statement: 'Cloud SQL primary outside dev is zonal (no high availability)',
    fix: 'set settings.availability_type = "REGIONAL"',
    resourceTypes: SQL,
    appliesTo: (a, context) => isPrimary(a) && outsideDev(a, context),
    check: (a) => settings(a).availability_type === 'REGIONAL',
  },
];
