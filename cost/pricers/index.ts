import { containerCluster, containerNodePool, routerNat, vpcAccessConnector } from './compute';
import { redisInstance, sqlDatabaseInstance } from './data';
import { backendService, globalForwardingRule, helmRelease, securityPolicy } from './network';
import {
  artifactRegistryRepository,
  kmsCryptoKey,
  loggingBucketConfig,
  secretManagerSecret,
  storageBucket,
} from './platform';
import { cloudRunService } from './serverless';
import { Pricer } from './types';

/** Terraform resource types with a price, each estimated from its synthesized attributes. */
export const PRICERS: Readonly<Record<string, Pricer>> = {
  google_cloud_run_v2_service: cloudRunService,
  google_sql_database_instance: sqlDatabaseInstance,
  google_redis_instance: redisInstance,
  google_container_cluster: containerCluster,
  google_container_node_pool: containerNodePool,
  google_compute_router_nat: routerNat,
  google_vpc_access_connector: vpcAccessConnector,
  google_compute_global_forwarding_rule: globalForwardingRule,
  google_compute_backend_service: backendService,
  google_compute_security_policy: securityPolicy,
  google_kms_crypto_key: kmsCryptoKey,
  google_secret_manager_secret: secretManagerSecret,
  google_storage_bucket: storageBucket,
  google_logging_project_bucket_config: loggingBucketConfig,
  google_artifact_registry_repository: artifactRegistryRepository,
  helm_release: helmRelease,
};

const NETWORK_IS_FREE = 'no charge (traffic is priced on the NAT, load balancer and CDN)';
const RUNS_ON_NODES = 'runs on the GKE nodes priced in gke-gpu';

/** Resource types that cost nothing by themselves, with why. */
export const FREE_TYPES: Readonly<Record<string, string>> = {
  google_project_service: 'enabling an API is free',
  google_project_service_identity: 'service agents are free',
  google_service_account: 'service accounts are free',
  google_service_account_key: 'service account keys are free',
  google_compute_network: NETWORK_IS_FREE,
  google_compute_subnetwork: 'no charge; flow logs bill as logs (cost.logsGiBPerMonth)',
  google_compute_firewall: 'no charge; firewall logs bill as logs (cost.logsGiBPerMonth)',
  google_compute_router: 'Cloud Router is free; its NAT is priced',
  google_compute_route: NETWORK_IS_FREE,
  google_compute_global_address: 'no charge while a forwarding rule uses it',
  google_compute_address: 'internal addresses are free',
  google_service_networking_connection: NETWORK_IS_FREE,
  google_compute_network_peering_routes_config: NETWORK_IS_FREE,
  google_compute_region_network_endpoint_group: 'serverless NEGs are free',
  google_compute_url_map: 'no charge; the forwarding rules carry the load balancer fee',
  google_compute_target_https_proxy: 'no charge; the forwarding rules carry the load balancer fee',
  google_compute_target_http_proxy: 'no charge; the forwarding rules carry the load balancer fee',
  google_compute_ssl_policy: 'SSL policies are free',
  google_compute_managed_ssl_certificate: 'Google-managed certificates are free',
  google_kms_key_ring: 'key rings are free; keys are priced',
  google_sql_database: 'a database inside a priced instance',
  google_sql_user: 'a user inside a priced instance',
  google_secret_manager_secret_version: 'counted on its secret',
  google_binary_authorization_policy: 'Binary Authorization for GKE is free',
  google_binary_authorization_attestor: 'Binary Authorization for GKE is free; its KMS key is priced',
  google_container_analysis_note:
    'attestation notes and occurrences are free (only vulnerability scanning is charged)',
  google_logging_project_sink: 'routing is free; the destination is priced',
  google_logging_metric: 'within the monthly Cloud Monitoring free allotment',
  google_monitoring_notification_channel: 'notification channels are free',
  google_monitoring_dashboard: 'dashboards are free',
  google_monitoring_custom_service: 'services and SLOs are free',
  google_monitoring_slo: 'services and SLOs are free',
  google_monitoring_uptime_check_config: 'within the 1M free uptime check executions per project',
  google_billing_budget: 'budgets are free',
  google_artifact_registry_repository_iam_member: 'IAM is free',
  google_project_iam_custom_role: 'IAM is free',
};

/** Types known to cost something that the table does not price yet, with why; they show as not priced. */
export const NOT_PRICED_TYPES: Readonly<Record<string, string>> = {
  google_monitoring_alert_policy:
    'alerting bills per condition and per time series returned; those prices are not in cost/prices.ts',
  google_bigquery_dataset:
    'holds the billing export: BigQuery storage of its rows; BigQuery prices are not in cost/prices.ts',
  google_bigquery_data_transfer_config:
    'one daily scheduled query, billed as BigQuery on-demand bytes scanned; BigQuery prices are not in cost/prices.ts',
  google_project_iam_audit_config:
    'Data Access audit logs bill as log ingestion (_Default, audit-logs bucket); volume grows with every object, secret and key read and is not estimated: add it to cost.logsGiBPerMonth once measured',
};

/** IAM bindings, Kubernetes objects (they run on priced nodes) and Terraform helpers are free by kind. */
export function freeReason(type: string): string | undefined {
  if (FREE_TYPES[type]) return FREE_TYPES[type];
  if (/_iam_(member|binding|policy)$/.test(type)) return 'IAM is free';
  if (type.startsWith('kubernetes_')) return RUNS_ON_NODES;
  if (/^(time|null|random|terraform)_/.test(type)) return 'Terraform helper, no cloud resource';
  return undefined;
}
