import { DataGoogleClientConfig } from '@cdktf/provider-google/lib/data-google-client-config';
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
 * Kubernetes and Helm providers for an existing GKE cluster, configured only from data sources: the caller's
 * OAuth token (`google_client_config`) and the cluster's DNS endpoint (`google_container_cluster`). Never
 * from a resource of the same apply (providers would be configured from unknown values) nor from a kubeconfig
 * on disk, so any machine with Google credentials can plan once the cluster exists.
 */
export class GkeProviders extends Construct {
  readonly cluster: DataGoogleContainerCluster;
  readonly kubernetes: KubernetesProvider;
  readonly helm: HelmProvider;

  constructor(scope: Construct, id: string, props: GkeProvidersProps) {
    super(scope, id);
    const client = new DataGoogleClientConfig(this, 'client');
    this.cluster = new DataGoogleContainerCluster(this, 'cluster', {
      name: props.clusterName,
      location: props.location,
      project: props.project,
    });
    // The DNS endpoint (IAM-authorized, reachable from anywhere) presents a publicly trusted certificate: no
    // cluster CA, unlike the IP endpoint, which authorized networks fence off.
    const connection = {
      host: `https://${this.cluster.controlPlaneEndpointsConfig.get(0).dnsEndpointConfig.get(0).endpoint}`,
      token: client.accessToken,
    };
    this.kubernetes = new KubernetesProvider(this, 'kubernetes', connection);
    this.helm = new HelmProvider(this, 'helm', { kubernetes: connection });
  }
}
