import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { DataGoogleStorageProjectServiceAccount } from '@cdktf/provider-google/lib/data-google-storage-project-service-account';
import { Construct } from 'constructs';
import { Grantee } from './grantee';

export type ServiceAgentName = 'cloudsql' | 'redis' | 'storage' | 'gke';

/**
 * The Google-managed service agents that use our CMEK keys, as grantees whose grants live in this construct's
 * scope. `google_project_service_identity` (which would create the agents) exists only in the google-beta
 * provider, which this app does not ship, so the well-known agent addresses are derived from the project
 * number instead; the Cloud SQL agent must exist before the first apply (see docs/operations.md "Deploying one stack", "First deploy of `data`").
 */
export class ServiceAgents extends Construct {
  private readonly project: DataGoogleProject;
  private readonly storage: DataGoogleStorageProjectServiceAccount;

  constructor(scope: Construct, id: string, props: { readonly projectId: string }) {
    super(scope, id);
    this.project = new DataGoogleProject(this, 'project', { projectId: props.projectId });
    // The GA data source also creates the GCS agent when it does not exist yet.
    this.storage = new DataGoogleStorageProjectServiceAccount(this, 'storage', { project: props.projectId });
  }

  /** The service agent's email. */
  email(agent: ServiceAgentName): string {
    const domains: Record<Exclude<ServiceAgentName, 'storage'>, string> = {
      cloudsql: 'gcp-sa-cloud-sql.iam.gserviceaccount.com',
      redis: 'cloud-redis.iam.gserviceaccount.com',
      gke: 'container-engine-robot.iam.gserviceaccount.com',
    };
    return agent === 'storage'
      ? this.storage.emailAddress
      : `service-${this.project.number}@${domains[agent]}`;
  }

  grantee(agent: ServiceAgentName): Grantee {
    return { member: `serviceAccount:${this.email(agent)}`, grantScope: this, grantId: `${agent}-agent` };
  }
}
