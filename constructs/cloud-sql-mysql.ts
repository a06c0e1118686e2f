import { ProjectIamMember } from '@cdktf/provider-google/lib/project-iam-member';
import { SqlDatabase } from '@cdktf/provider-google/lib/sql-database';
import {
  SqlDatabaseInstance,
  SqlDatabaseInstanceSettings,
} from '@cdktf/provider-google/lib/sql-database-instance';
import { SqlUser } from '@cdktf/provider-google/lib/sql-user';
import { Fn, ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Grantee } from './grantee';

export interface CloudSqlMysqlProps {
  readonly projectId: string;
  /** Instance name; the replica is `<name>-replica`. */
  readonly name: string;
  readonly region: string;
  /** `MYSQL_8_0` or `MYSQL_8_4`. */
  readonly databaseVersion: string;
  /** `ENTERPRISE` or `ENTERPRISE_PLUS`. */
  readonly edition: string;
  /** Machine tier, e.g. `db-n1-standard-2`. */
  readonly tier: string;
  readonly diskSizeGb: number;
  /** VPC id the instance gets its private IP in. */
  readonly network: string;
  /** Name of the private services access range to allocate from. */
  readonly allocatedIpRange: string;
  /** CMEK key id in `region`. */
  readonly kmsKeyName: string;
  /** Daily backups kept. */
  readonly backupRetainedCount: number;
  /** Days of binary logs for point-in-time recovery. */
  readonly logRetentionDays: number;
  /** UTC "HH:MM". */
  readonly backupStartTime: string;
  /** 1 = Monday ... 7 = Sunday, hour UTC, update track. */
  readonly maintenanceWindow: { readonly day: number; readonly hour: number; readonly updateTrack: string };
  /** The application's database. */
  readonly databaseName: string;
  /** Cross-region read replica (passive standby). @default none */
  readonly replica?: { readonly region: string; readonly kmsKeyName: string };
  /** e.g. the CMEK grants. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Cloud SQL for MySQL with the platform's production settings: regional HA, private IP only, TLS required,
 * daily backups, binary logs for point-in-time recovery, CMEK, deletion protection in Terraform and GCP,
 * maintenance window, query insights, IAM database authentication; optionally a cross-region replica.
 */
export class CloudSqlMysql extends Construct {
  readonly instance: SqlDatabaseInstance;
  readonly database: SqlDatabase;
  readonly replica?: SqlDatabaseInstance;
  /** Instance names, known at synth time: monitoring filters and IAM conditions quote them, and cdktf's HCL
   * writer (`synth --hcl`) cannot quote a cross-stack reference inside a string. */
  readonly instanceName: string;
  readonly replicaName?: string;
  private readonly projectId: string;

  constructor(scope: Construct, id: string, props: CloudSqlMysqlProps) {
    super(scope, id);
    this.projectId = props.projectId;
    this.instanceName = props.name;
    const common: Omit<
      SqlDatabaseInstanceSettings,
      'availabilityType' | 'backupConfiguration' | 'maintenanceWindow'
    > = {
      tier: props.tier,
      edition: props.edition,
      diskType: 'PD_SSD',
      diskSize: props.diskSizeGb,
      diskAutoresize: true,
      deletionProtectionEnabled: true,
      ipConfiguration: {
        ipv4Enabled: false,
        privateNetwork: props.network,
        allocatedIpRange: props.allocatedIpRange,
        sslMode: 'ENCRYPTED_ONLY',
        enablePrivatePathForGoogleCloudServices: true,
      },
      // local_infile off: the server never reads client-side files through LOAD DATA LOCAL (CIS GCP 6.1.3).
      databaseFlags: [
        { name: 'cloudsql_iam_authentication', value: 'on' },
        { name: 'local_infile', value: 'off' },
      ],
      insightsConfig: {
        queryInsightsEnabled: true,
        queryStringLength: 1024,
        recordApplicationTags: true,
        recordClientAddress: false,
      },
    };
    // disk_size is the starting size: autoresize grows the disk, and a plan back to the configured size would be
    // a shrink, which the provider turns into a replacement (ForceNewIfChange settings.0.disk_size).
    const lifecycle = { ignoreChanges: ['settings[0].disk_size'] };
    this.instance = new SqlDatabaseInstance(this, 'instance', {
      name: props.name,
      region: props.region,
      databaseVersion: props.databaseVersion,
      encryptionKeyName: props.kmsKeyName,
      deletionProtection: true,
      settings: {
        ...common,
        availabilityType: 'REGIONAL',
        maintenanceWindow: props.maintenanceWindow,
        backupConfiguration: {
          enabled: true,
          startTime: props.backupStartTime,
          binaryLogEnabled: true,
          transactionLogRetentionDays: props.logRetentionDays,
          backupRetentionSettings: { retainedBackups: props.backupRetainedCount, retentionUnit: 'COUNT' },
        },
      },
      lifecycle,
      dependsOn: props.dependsOn,
    });
    this.database = new SqlDatabase(this, 'database', {
      name: props.databaseName,
      instance: this.instance.name,
      charset: 'utf8mb4',
      collation: 'utf8mb4_0900_ai_ci',
    });
    if (props.replica) {
      this.replicaName = `${props.name}-replica`;
      // Passive standby: promoted to primary on regional failover (docs/runbooks/dr-failover.md). Zonal while it only
      // replays; the runbook turns on HA after promotion. Replicas take no backups of their own, and no
      // maintenance window: Cloud SQL does not support one on read replicas (they may be updated at any time).
      this.replica = new SqlDatabaseInstance(this, 'replica', {
        name: this.replicaName,
        region: props.replica.region,
        databaseVersion: props.databaseVersion,
        masterInstanceName: this.instance.name,
        encryptionKeyName: props.replica.kmsKeyName,
        deletionProtection: true,
        settings: { ...common, availabilityType: 'ZONAL', backupConfiguration: { binaryLogEnabled: true } },
        lifecycle,
        dependsOn: props.dependsOn,
      });
    }
  }

  get connectionName(): string {
    return this.instance.connectionName;
  }

  get privateIpAddress(): string {
    return this.instance.privateIpAddress;
  }

  /**
   * Makes a service account a MySQL user that signs in with IAM (`CLOUD_IAM_SERVICE_ACCOUNT`) and lets it
   * connect to this instance and its replica only (conditional `cloudsql.client` and `cloudsql.instanceUser`).
   * `grantee.member` must be `serviceAccount:<email>`. Table privileges are MySQL GRANTs, given by the schema
   * migrations.
   */
  addIamServiceAccountUser(grantee: Grantee): SqlUser {
    const email = Fn.trimprefix(grantee.member, 'serviceAccount:');
    const instances = [this.instanceName, ...(this.replicaName ? [this.replicaName] : [])]
      .map((name) => `resource.name == "projects/${this.projectId}/instances/${name}"`)
      .join(' || ');
    for (const role of ['client', 'instanceUser']) {
      new ProjectIamMember(
        grantee.grantScope,
        `${grantee.grantId}-sql-${role.toLowerCase()}-${this.node.id}`,
        {
          project: this.projectId,
          role: `roles/cloudsql.${role}`,
          member: grantee.member,
          condition: {
            title: `${role} on ${this.node.id}`,
            description: 'Only the AFPI Cloud SQL instance and its replica',
            expression: `resource.type == "sqladmin.googleapis.com/Instance" && (${instances})`,
          },
        },
      );
    }
    // MySQL takes the full email (the provider's MySQL acceptance test does; only PostgreSQL drops
    // ".gserviceaccount.com"); the server's user name is the part before "@" (the backend's DB_USER).
    return new SqlUser(grantee.grantScope, `${grantee.grantId}-sql-user-${this.node.id}`, {
      instance: this.instance.name,
      name: email,
      type: 'CLOUD_IAM_SERVICE_ACCOUNT',
    });
  }
}
