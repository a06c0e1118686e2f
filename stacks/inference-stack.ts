import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { AssetType, ITerraformDependable, TerraformAsset, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { ciAccountEmail } from '../catalog/ci-roles';
import { Engine } from '../config/sections/inference';
import { CustomMetricsAdapter } from '../constructs/custom-metrics-adapter';
import { GkeProviders } from '../constructs/gke-providers';
import { HelmReleaseReader } from '../constructs/helm-release-reader';
import { HelmChartRelease } from '../constructs/helm-chart-release';
import { ModelSync } from '../constructs/model-sync';
import { modelSyncRuns } from '../inference/model-sync';
import { NamespaceNetworkPolicies, POD_SECURITY_LABELS } from '../constructs/namespace-network-policies';
import { ProjectServices } from '../constructs/project-services';
import { RegistryMirrors } from '../constructs/registry-mirrors';
import { SecretManagerKubernetesSecret } from '../constructs/secret-manager-kubernetes-secret';
import { WorkloadIdentity } from '../constructs/workload-identity';
import {
  EngineEnvironment,
  endpointsOf,
  placeModels,
  releaseTiming,
  routerSelector,
  TGI_CHART_DIR,
  tgiOverrides,
  tgiRelease,
  VLLM_POST_RENDERER,
  VLLM_RELEASE,
  vllmOverrides,
  VLLM_CHART,
  VLLM_CHART_REPOSITORY,
} from '../inference/values';
import {
  COMPUTE_CLASSES_CHART_DIR,
  COMPUTE_CLASSES_RELEASE,
  computeClassValues,
} from '../inference/compute-classes';
import { gpuPoolsOf } from '../config/sections/gke';
import { AfpiStack, AfpiStackProps } from './afpi-stack';
import { DataStack } from './data-stack';
import { GkeGpuStack } from './gke-gpu-stack';
import { NetworkStack } from './network-stack';

/** ComputeClass objects have no pods to wait for: Helm only waits for the API server to accept them. */
const COMPUTE_CLASSES_TIMEOUT_SECONDS = 120;
/** Kubernetes Secret the engines and the vLLM router read their API key from (copied from Secret Manager). */
export const INFERENCE_API_KEY_K8S_SECRET = 'inference-api-key';

export interface InferenceStackProps extends AfpiStackProps {
  readonly network: NetworkStack;
  readonly data: DataStack;
  readonly gkeGpu: GkeGpuStack;
}

/**
 * The seed's "LLM Inference Service (GPU Node Pool)": vLLM (production-stack chart) and TGI (our chart) on the
 * GPU pools of the gke-gpu cluster, each engine with its own Workload Identity that can read the model bucket
 * and the Hugging Face token and nothing else, behind an internal load balancer on the network stack's reserved
 * address: the Cloud Run backend's local LLM endpoint.
 *
 * Kubernetes and Helm talk to the cluster found by name and region, so this stack plans only once gke-gpu is
 * deployed.
 */
export class InferenceStack extends AfpiStack {
  readonly providers: GkeProviders;
  /** Pull-through caches of the public registries the engine images come from. */
  readonly mirrors: RegistryMirrors;
  readonly namespace: NamespaceV1;
  readonly identities: Readonly<Partial<Record<Engine, WorkloadIdentity>>>;
  readonly releases: readonly HelmChartRelease[];
  /** A GKE custom compute class per GPU pool: the engines' way to its capacity options, in order. */
  readonly computeClasses: HelmChartRelease;
  /** Stages the weights in the model bucket before the engines start (modelCache gcsfuse). */
  readonly modelSync?: ModelSync;
  /** Installed when autoscaling on queue depth. */
  readonly metricsAdapter?: CustomMetricsAdapter;

  constructor(scope: Construct, props: InferenceStackProps) {
    super(scope, 'inference', props);
    const { config, network, data, gkeGpu } = props;
    const inference = config.inference;
    if (!inference)
      throw new Error('inference stack needs the inference section (config validation requires it)');
    const ilbAddress = network.inferenceIlbAddress;
    if (!ilbAddress) throw new Error('inference stack needs the network stack reserved internal address');
    // Nothing references the cluster's resources (providers read it by name): order the deploys explicitly.
    this.addDependency(gkeGpu);

    const apis = new ProjectServices(this, 'apis', {
      services: [
        'artifactregistry.googleapis.com',
        'container.googleapis.com',
        'iam.googleapis.com',
        'monitoring.googleapis.com',
        'secretmanager.googleapis.com',
      ],
    });
    this.providers = new GkeProviders(this, 'gke', {
      clusterName: gkeGpu.clusterName,
      location: gkeGpu.clusterLocation,
      project: config.projectId,
    });

    this.mirrors = new RegistryMirrors(this, 'registry-mirrors', {
      projectId: config.projectId,
      location: config.region,
      dependsOn: [apis.services['artifactregistry.googleapis.com']],
    });
    // The nodes pull the engine images from the mirrors: reader on these repositories, not on the project.
    const pullGrants = this.mirrors.grantRead({
      member: gkeGpu.nodeServiceAccount.memberByName,
      grantScope: this,
      grantId: 'gke-nodes',
    });
    const images = inference.images;
    // The engines pull their public images through the mirrors.
    const pulled = {
      ...inference,
      images: {
        vllm: this.mirrors.imageUrl(images.vllm),
        router: this.mirrors.imageUrl(images.router),
        tgi: this.mirrors.imageUrl(images.tgi),
      },
    };

    this.namespace = new NamespaceV1(this, 'namespace', {
      metadata: { name: inference.namespace, labels: { app: 'afpi-inference', ...POD_SECURITY_LABELS } },
    });
    const namespace = this.namespace.metadata.name;
    const controlPlaneCidr = config.gke!.masterIpv4CidrBlock;
    // Releases open the ingress each engine needs; anything else is denied, egress included. The vLLM router
    // discovers engine pods through the Kubernetes API.
    const { defaultDeny, egressBaseline } = new NamespaceNetworkPolicies(this, 'network-policies', {
      namespace,
      controlPlaneCidr,
      apiClients: routerSelector(VLLM_RELEASE),
    });

    // Pull request plans refresh the releases, which Helm keeps as Secrets in the namespace.
    new HelmReleaseReader(this, 'helm-release-reader', {
      namespace,
      googleIdentities: [ciAccountEmail('planner', config.projectId)],
      dependsOn: [this.namespace],
    });

    if (inference.autoscaling.metric === 'queue-depth') {
      this.metricsAdapter = new CustomMetricsAdapter(this, 'custom-metrics-adapter', {
        project: config.projectId,
        controlPlaneCidr,
      });
    }

    // Cluster-scoped objects; the release record lives in the namespace the planner may read.
    this.computeClasses = new HelmChartRelease(this, 'compute-classes-release', {
      name: COMPUTE_CLASSES_RELEASE,
      namespace,
      chart: new TerraformAsset(this, 'compute-classes-chart', {
        path: COMPUTE_CLASSES_CHART_DIR,
        type: AssetType.DIRECTORY,
      }).path,
      valuesFile: 'compute-classes.yaml',
      overrides: computeClassValues(gpuPoolsOf(config.gke), gkeGpu.mode === 'autopilot'),
      timeoutSeconds: COMPUTE_CLASSES_TIMEOUT_SECONDS,
      dependsOn: [this.namespace],
    });

    // The key callers must send (the backend reads it from Secret Manager): the charts take it from a Secret.
    const apiKeySecret = data.inferenceApiKeySecret;
    if (!apiKeySecret) throw new Error('inference stack needs the data stack inference API key secret');
    const apiKey = { secretName: INFERENCE_API_KEY_K8S_SECRET, secretKey: 'api-key' };
    const apiKeyCopy = new SecretManagerKubernetesSecret(this, 'api-key', {
      secretId: apiKeySecret.id,
      namespace,
      name: apiKey.secretName,
      key: apiKey.secretKey,
      dependsOn: [this.namespace],
    });

    const placed = placeModels(inference, config.gke, config.region);
    const hfToken = data.secret(inference.hfTokenSecret);
    // Engines read the weights from the bucket: a Job per model puts them there first (a PVC cache downloads
    // in the engine pods instead). The vLLM image runs it: pinned, admitted and mirrored already.
    if (modelSyncRuns(config)) {
      this.modelSync = new ModelSync(this, 'model-sync', {
        project: config.projectId,
        namespace,
        models: placed,
        bucket: data.modelBucket,
        hfToken,
        image: this.mirrors.imageUrl(images.vllm),
        dependsOn: [this.namespace, defaultDeny, egressBaseline, ...pullGrants],
      });
    }
    const identities: Partial<Record<Engine, WorkloadIdentity>> = {};
    const releases: HelmChartRelease[] = [];
    const tgiChart = inference.engines.includes('tgi')
      ? new TerraformAsset(this, 'tgi-chart', { path: TGI_CHART_DIR, type: AssetType.DIRECTORY })
      : undefined;

    for (const engine of inference.engines as Engine[]) {
      const identity = new WorkloadIdentity(this, engine, {
        project: config.projectId,
        accountId: `inference-${engine}`,
        description: `${engine} model servers: read the model bucket${inference.modelCache === 'pvc' ? ' and the Hugging Face token' : ''}`,
        namespace,
        serviceAccountName: engine,
        dependsOn: [this.namespace],
      });
      identities[engine] = identity;
      // The pods mount the bucket (and, downloading into a PVC, the token) at start: the grants must exist
      // before the release waits on them. From the bucket (gcsfuse) they never use the token: no grant.
      const needs: ITerraformDependable[] = [
        identity.kubernetesServiceAccount,
        data.modelBucket.grantRead(identity),
        ...(inference.modelCache === 'pvc' ? [hfToken.grantAccess(identity)] : []),
        defaultDeny,
        egressBaseline,
        apiKeyCopy.secret,
        ...pullGrants,
        this.computeClasses.release,
        ...(this.modelSync ? [this.modelSync.release.release] : []),
      ];
      const env: EngineEnvironment = {
        inference: pulled,
        autopilot: gkeGpu.mode === 'autopilot',
        serviceAccountName: identity.serviceAccountName,
        modelBucketName: data.modelBucket.name,
        hfTokenSecretVersion: `${hfToken.id}/versions/latest`,
        loadBalancerIp: ilbAddress.address,
        // The load balancer sends clients to the nearest serving region: each region's backend calls in.
        clientRanges: network.cloudRunSourceRanges,
        timing: releaseTiming('vllm', placed, inference.modelCache),
        apiKey,
      };
      if (engine === 'vllm') {
        releases.push(
          new HelmChartRelease(this, 'vllm-release', {
            name: VLLM_RELEASE,
            namespace,
            repository: VLLM_CHART_REPOSITORY,
            chart: VLLM_CHART,
            version: inference.vllmChartVersion,
            valuesFile: 'vllm-stack.yaml',
            overrides: vllmOverrides(placed, env),
            timeoutSeconds: env.timing.helmTimeoutSeconds,
            postRendererScript: VLLM_POST_RENDERER,
            dependsOn: needs,
          }),
        );
      } else {
        placed.forEach((model, index) => {
          const timing = releaseTiming('tgi', [model], inference.modelCache);
          releases.push(
            new HelmChartRelease(this, `${tgiRelease(model)}-release`, {
              name: tgiRelease(model),
              namespace,
              chart: tgiChart!.path,
              valuesFile: 'tgi.yaml',
              overrides: tgiOverrides(model, index, { ...env, timing }),
              timeoutSeconds: timing.helmTimeoutSeconds,
              dependsOn: needs,
            }),
          );
        });
      }
    }
    this.identities = identities;
    this.releases = releases;

    new TerraformOutput(this, 'namespace_name', { value: namespace });
    new TerraformOutput(this, 'endpoints', {
      value: endpointsOf(inference).map((e) => ({
        engine: e.engine,
        url: `http://${ilbAddress.address}:${e.port}/v1`,
        models: e.models,
      })),
      description: 'OpenAI-compatible endpoints on the internal load balancer (reachable from the VPC only)',
    });
  }
}
