import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { ciMember } from '../catalog/ci-roles';
import { apiKeySecretId, CloudRunServiceConfig } from '../config/sections/cloud-run';
import { repositoryLocation, SERVICE_REPOSITORY_ID } from '../catalog/registries';
import { ArtifactRepository } from '../constructs/artifact-repository';
import { CloudArmorPolicy } from '../constructs/cloud-armor-policy';
import { CloudRunService, CloudRunServiceProps, SecretEnv } from '../constructs/cloud-run-service';
import { HttpsLoadBalancer } from '../constructs/https-load-balancer';
import { ProjectServices } from '../constructs/project-services';
import { ManagedSecret } from '../constructs/secrets';
import { CdnSettings, ServerlessBackend } from '../constructs/serverless-backend';
import { ServiceIdentity } from '../constructs/service-identity';
import { endpointsOf } from '../inference/values';
import { AfpiStack, AfpiStackProps } from './afpi-stack';
import { DataStack } from './data-stack';
import { NetworkStack } from './network-stack';

const NAME = 'afpi';
const OBSERVABILITY_ROLES = ['roles/logging.logWriter', 'roles/monitoring.metricWriter'] as const;
type Role = 'frontend' | 'backend';
const accountIdOf = (role: Role) => `${NAME}-${role}-run`;

export interface CloudRunStackProps extends AfpiStackProps {
  readonly network: NetworkStack;
  readonly data: DataStack;
}

/** Both Cloud Run services of one app tier (frontend or backend) and the backend service in front of them. */
export interface ServingTier {
  readonly identity: ServiceIdentity;
  /** Cloud Run service name (the same in every serving region). */
  readonly serviceName: string;
  /** The service per serving region, primary first. */
  readonly services: readonly CloudRunService[];
  readonly backend: ServerlessBackend;
}

/**
 * The seed's Phase 1 serving path: Artifact Registry, a least-privilege identity per service, the Next.js
 * frontend and FastAPI backend on Cloud Run in every serving region (ingress from the load balancer only),
 * and the global external HTTPS load balancer with Cloud CDN on the frontend and Cloud Armor on both.
 */
export class CloudRunStack extends AfpiStack {
  readonly apis: ProjectServices;
  readonly repository: ArtifactRepository;
  readonly armor: CloudArmorPolicy;
  readonly frontend: ServingTier;
  readonly backend: ServingTier;
  readonly loadBalancer: HttpsLoadBalancer;
  /** Regions the services run in: the primary, plus the DR region where the tier has one. */
  readonly servingRegions: NetworkStack['servingRegions'];

  constructor(scope: Construct, props: CloudRunStackProps) {
    super(scope, 'cloud-run', props);
    const { config, network, data } = props;
    const cr = config.cloudRun;
    const apiHost = `api.${config.domain}`;
    this.servingRegions = network.servingRegions;

    this.apis = new ProjectServices(this, 'apis', {
      services: [
        'run.googleapis.com',
        'artifactregistry.googleapis.com',
        // Artifact Registry scans pushed images for vulnerabilities when this API is on.
        'containerscanning.googleapis.com',
        'iam.googleapis.com',
      ],
    });
    this.repository = new ArtifactRepository(this, 'images', {
      repositoryId: SERVICE_REPOSITORY_ID,
      location: repositoryLocation(config.region, config.disasterRecovery),
      projectId: config.projectId,
      keepRecentVersions: cr.registry.keepRecentVersions,
      untaggedMaxAgeDays: cr.registry.untaggedMaxAgeDays,
      dependsOn: this.apis.dependables,
    });
    this.armor = new CloudArmorPolicy(this, 'armor', {
      name: `${NAME}-edge`,
      wafPreview: cr.armor.wafMode === 'preview',
      wafSensitivity: cr.armor.wafSensitivity,
      requestsPerMinute: cr.armor.rateLimit.requestsPerMinute,
      banDurationSeconds: cr.armor.rateLimit.banDurationSeconds,
    });

    // Frontend: log and metric writing only; it reaches the backend through the load balancer like a browser,
    // so it has no VPC access: the internal load balancer, SQL and Redis stay out of its reach.
    const frontendIdentity = this.identity('frontend', 'Next.js frontend');
    this.frontend = this.servingTier('frontend', cr.frontend, frontendIdentity, {
      env: { API_BASE_URL: `https://${apiHost}` },
      cdn: cr.cdn,
      vpcEgress: false,
    });

    // Backend: its own database user (IAM login), the secrets it reads and nothing else.
    const backendIdentity = this.identity('backend', 'FastAPI backend');
    const sqlUser = data.sql.addIamServiceAccountUser(backendIdentity);
    const secrets: Record<string, ManagedSecret> = { REDIS_AUTH: data.redisAuthSecret };
    for (const api of cr.llmRouting.apiFallbackOrder) {
      secrets[`${api.toUpperCase()}_API_KEY`] = data.secret(apiKeySecretId(api));
    }
    const inferenceIp = network.inferenceIlbAddress?.address;
    const localEndpoint = config.inference ? endpointsOf(config.inference)[0] : undefined;
    // The engines refuse calls without their key; the backend sends it as a bearer token.
    if (inferenceIp && localEndpoint && data.inferenceApiKeySecret) {
      secrets.INFERENCE_API_KEY = data.inferenceApiKeySecret;
    }
    const secretGrants = Object.values(secrets).map((s) => s.grantAccess(backendIdentity));
    this.backend = this.servingTier('backend', cr.backend, backendIdentity, {
      env: {
        DB_INSTANCE_CONNECTION_NAME: data.sql.connectionName,
        DB_SOCKET_PATH: `/cloudsql/${data.sql.connectionName}`,
        DB_NAME: data.sql.database.name,
        // MySQL IAM logins are the service account email up to "@"; the password is an OAuth access token.
        DB_USER: accountIdOf('backend'),
        DB_IAM_AUTH: 'true',
        REDIS_HOST: data.redis.host,
        REDIS_PORT: String(data.redis.port),
        REDIS_TLS: 'true',
        REDIS_CA_CERT: data.redis.serverCaCert,
        // The first endpoint is the vLLM router (OpenAI-compatible) when vLLM is deployed, else the first TGI.
        ...(inferenceIp && localEndpoint
          ? { INFERENCE_ENDPOINT: `http://${inferenceIp}:${localEndpoint.port}/v1` }
          : {}),
        LLM_LOCAL_SHARE_PERCENT: String(cr.llmRouting.localSharePercent),
        LLM_API_FALLBACK_ORDER: cr.llmRouting.apiFallbackOrder.join(','),
        CORS_ALLOWED_ORIGINS: `https://${config.domain}`,
      },
      secretEnv: Object.fromEntries(
        Object.entries(secrets).map(([env, s]): [string, SecretEnv] => [env, { secretId: s.secretId }]),
      ),
      cloudSqlInstances: [data.sql.connectionName],
      dependsOn: [...secretGrants, sqlUser],
      vpcEgress: true,
    });

    this.loadBalancer = new HttpsLoadBalancer(this, 'lb', {
      name: NAME,
      ipAddress: network.lbAddress.address,
      routes: [
        { host: config.domain, backendService: this.frontend.backend.backendService.id },
        {
          host: apiHost,
          backendService: this.backend.backend.backendService.id,
          // LLM turns get their own path rule so latency signals can leave them out (observability).
          separatePaths: cr.llmPaths,
        },
      ],
      sslProfile: cr.sslProfile,
    });

    new TerraformOutput(this, 'image_prefix', {
      value: this.repository.imagePrefix,
      description: 'docker push <prefix>/<frontend|backend>:<tag>',
    });
    new TerraformOutput(this, 'frontend_service_account', { value: this.frontend.identity.email });
    new TerraformOutput(this, 'backend_service_account', { value: this.backend.identity.email });
  }

  private identity(role: Role, what: string): ServiceIdentity {
    const identity = new ServiceIdentity(this, `${role}-identity`, {
      accountId: accountIdOf(role),
      displayName: `AFPI ${role} (Cloud Run)`,
      description: `Runtime identity of the ${what}`,
    });
    identity.grantProjectRoles(this.config.projectId, OBSERVABILITY_ROLES);
    return identity;
  }

  /** The service in every serving region plus its load balancer backend; frontend and backend differ only in props. */
  private servingTier(
    role: Role,
    settings: CloudRunServiceConfig,
    identity: ServiceIdentity,
    extra: Pick<CloudRunServiceProps, 'env' | 'secretEnv' | 'cloudSqlInstances' | 'dependsOn'> & {
      cdn?: CdnSettings;
      /** Route private-range egress into the VPC (SQL, Redis, the inference load balancer). */
      vpcEgress: boolean;
    },
  ): ServingTier {
    const serviceName = `${NAME}-${role}`;
    // Deploying a revision that runs as the identity needs actAs on it (the deployer has it on no other account).
    const actAs = identity.grantActAs(ciMember('deployer', this.config.projectId));
    const services = this.servingRegions.map(
      (r) =>
        new CloudRunService(this, `${role}-${r.region}`, {
          name: serviceName,
          region: r.region,
          serviceAccountEmail: identity.email,
          image: this.repository.imageUrl(settings.image),
          cpu: settings.cpu,
          memoryGiB: settings.memoryGiB,
          minInstances: settings.minInstances,
          maxInstances: settings.maxInstances,
          concurrency: settings.concurrency,
          timeoutSeconds: settings.timeoutSeconds,
          healthPath: settings.healthPath,
          revisionSuffix: settings.revision,
          traffic: settings.traffic,
          vpcAccess: extra.vpcEgress ? r.cloudRunEgress.vpcAccess : undefined,
          env: extra.env,
          secretEnv: extra.secretEnv,
          cloudSqlInstances: extra.cloudSqlInstances,
          dependsOn: [...this.apis.dependables, actAs, ...(extra.dependsOn ?? [])],
        }),
    );
    const backend = new ServerlessBackend(this, `${role}-backend`, {
      name: serviceName,
      services: services.map((s, i) => ({ region: this.servingRegions[i].region, serviceName: s.name })),
      securityPolicy: this.armor.policy.selfLink,
      logSampleRate: this.config.cloudRun.requestLogSampleRate,
      cdn: extra.cdn,
    });
    return { identity, serviceName, services, backend };
  }
}
