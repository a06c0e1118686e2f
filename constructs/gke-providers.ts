import { DataGoogleContainerCluster } from '@cdktf/provider-google/lib/data-google-container-cluster';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Construct } from 'constructs';

export interface GkeProvidersProps {
  /** Name of an existing GKE cluster (created by the gke-gpu stack). */
  readonly clusterName: string;
  /** Region (or zone) of the cluster. */
  readonly location: string;
  /** Project of the cluster. */
  readonly project: string;
}

/**
 * `gke-gcloud-auth-plugin` prints a short-lived token from the caller's Google credentials when a provider
 * connects. A token from `google_client_config.access_token` would be a data source result, stored in state.
 */
export const GKE_AUTH_EXEC = {
  apiVersion: 'client.authentication.k8s.io/v1beta1',
  command: 'gke-gcloud-auth-plugin',
} as const;

/**
 * Kubernetes and Helm providers for an existing GKE cluster: the cluster's DNS endpoint from a data source
 * (`google_container_cluster`), credentials from the exec plugin at connect time (never in state). Never from
 * a resource of the same apply (providers would be configured from unknown values) nor from a kubeconfig on
 * disk, so any machine with Google credentials and the plugin can plan once the cluster exists.
 */
export class GkeProviders extends Construct {
  readonly cluster: DataGoogleContainerCluster;
  readonly kubernetes: KubernetesProvider;
  readonly helm: HelmProvider;

  constructor(scope: Construct, id: string, props: GkeProvidersProps) {
    super(scope, id);
    this.cluster = new DataGoogleContainerCluster(this, 'cluster', {
      name: props.clusterName,
      location: props.location,
      project: props.project,
    });
    // The DNS endpoint (IAM-authorized, reachable from anywhere) presents a publicly trusted certificate: no
    // cluster CA, unlike the IP endpoint, which authorized networks fence off.
    const connection = {
      host: `https://${this.cluster.controlPlaneEndpointsConfig.get(0).dnsEndpointConfig.get(0).endpoint}`,
    };
    this.kubernetes = new KubernetesProvider(this, 'kubernetes', { ...connection, exec: [GKE_AUTH_EXEC] });
    this.helm = new HelmProvider(this, 'helm', { kubernetes: { ...connection, exec: GKE_AUTH_EXEC } });
  }
}
