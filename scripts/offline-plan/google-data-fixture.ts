/**
 * What the google data sources of our stacks would read from a real project, for the offline plan (which has no
 * credentials): the project number and the service agents derived from it, the client config, and the GKE
 * cluster endpoint and CA the Kubernetes and Helm providers connect with.
 */
import { EnvironmentConfig } from '../../config/schema';

/** A 12-digit project number, as GCP assigns. */
export const PLACEHOLDER_PROJECT_NUMBER = '123456789012';

/**
 * A real self-signed certificate (EC P-256, CN offline-plan-placeholder), base64 as GKE returns
 * `master_auth[0].cluster_ca_certificate`: the Kubernetes client parses it when the providers are configured.
 */
const CLUSTER_CA_BASE64 =
  'LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJuakNDQVVPZ0F3SUJBZ0lVRUVoYkt4OGsrSWhEOU41b2xHcUwybVl5QVJvd0NnWUlLb1pJemowRUF3SXcKSXpFaE1COEdBMVVFQXd3WWIyWm1iR2x1WlMxd2JHRnVMWEJzWVdObGFHOXNaR1Z5TUNBWERUSTJNVEV6TURFegpORFF5TlZvWUR6SXhNall4TVRBMk1UTTBOREkxV2pBak1TRXdId1lEVlFRRERCaHZabVpzYVc1bExYQnNZVzR0CmNHeGhZMlZvYjJ4a1pYSXdXVEFUQmdjcWhrak9QUUlCQmdncWhrak9QUU1CQndOQ0FBVFFnZFE3U09SU2IxbUMKUFd2WmtFMlFNUXhsQWliMUJyMkl6TC9yaWtzbjNGVncwTzMvak11bktZNkg5M09lQU5rRlVDVDFqamkvaWdwLwo3Vktxa2k4OW8xTXdVVEFkQmdOVkhRNEVGZ1FVdjR3MW9MT2J1MFJnZFRHb1NrQ3RxNkE3UkJrd0h3WURWUjBqCkJCZ3dGb0FVdjR3MW9MT2J1MFJnZFRHb1NrQ3RxNkE3UkJrd0R3WURWUjBUQVFIL0JBVXdBd0VCL3pBS0JnZ3EKaGtqT1BRUURBZ05KQURCR0FpRUF4UjlOQTFocERJZjFOV3RJSkdIUVdaQ0gvbUJZeUlwblhsQjRIbTBWWlhNQwpJUURFN0VOVVhWNFg4b3hGTkMvcW1rbmxTZmM4NW9TRzNsWmtiSlovVUxlT2Z3PT0KLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=';

/** A real EC P-256 public key (its private half discarded), as KMS returns an EC_SIGN_P256_SHA256 version's. */
const ATTESTOR_PUBLIC_KEY_PEM = [
  '-----BEGIN PUBLIC KEY-----',
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEuzW3XHAbHn/B3Z8sov7tfiIc9Q1D',
  'bf7HHiPV2plgy/jWB3ywzU5UqKG7xXMHjmUAo3RgAMfx91BGAeOCmpDH0Q==',
  '-----END PUBLIC KEY-----',
  '',
].join('\n');

/**
 * `override_data` values per google data source type. A data source type our stacks start reading must be added
 * here; the offline plan stops and names it otherwise.
 */
export function googleDataFixture(config: EnvironmentConfig): Record<string, Record<string, unknown>> {
  const number = PLACEHOLDER_PROJECT_NUMBER;
  return {
    google_project: {
      id: `projects/${config.projectId}`,
      project_id: config.projectId,
      name: config.projectId,
      number,
    },
    google_storage_project_service_account: {
      id: `service-${number}@gs-project-accounts.iam.gserviceaccount.com`,
      email_address: `service-${number}@gs-project-accounts.iam.gserviceaccount.com`,
      member: `serviceAccount:service-${number}@gs-project-accounts.iam.gserviceaccount.com`,
    },
    google_client_config: {
      id: `projects/${config.projectId}/regions/${config.region}/zones/`,
      project: config.projectId,
      region: config.region,
      access_token: 'offline-plan-placeholder-token',
    },
    // Notification channel credentials (PagerDuty key, webhook URL) read at plan time.
    google_secret_manager_secret_version: {
      secret_data: 'offline-plan-placeholder-secret',
      version: '1',
    },
    // The attestor's signing key version (security.binaryAuthorization.attestation), enabled with its public key.
    google_kms_crypto_key_version: {
      id: `//cloudkms.googleapis.com/v1/projects/${config.projectId}/locations/${config.region}/keyRings/afpi/cryptoKeys/afpi-ci-attestor/cryptoKeyVersions/1`,
      name: `projects/${config.projectId}/locations/${config.region}/keyRings/afpi/cryptoKeys/afpi-ci-attestor/cryptoKeyVersions/1`,
      version: 1,
      algorithm: 'EC_SIGN_P256_SHA256',
      protection_level: 'HSM',
      state: 'ENABLED',
      public_key: [{ algorithm: 'EC_SIGN_P256_SHA256', pem: ATTESTOR_PUBLIC_KEY_PEM }],
    },
    google_container_cluster: {
      // Private endpoint: an address of the control plane range in the primary subnet's region.
      endpoint: '172.16.0.2',
      master_auth: [{ cluster_ca_certificate: CLUSTER_CA_BASE64 }],
      // The DNS-based control-plane endpoint, as GKE names it: gke-<cluster uid>-<project number>.<location>.gke.goog
      control_plane_endpoints_config: [
        {
          dns_endpoint_config: [
            {
              allow_external_traffic: true,
              endpoint: `gke-0123456789abcdef0123456789abcdef-${number}.${config.region}.gke.goog`,
            },
          ],
          ip_endpoints_config: [{ enabled: true }],
        },
      ],
    },
  };
}
