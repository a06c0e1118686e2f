import { AssetType, ITerraformDependable, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { MAX_CHECKPOINT_FILE_GB } from '../catalog/models';
import { modelSyncEphemeralStorageGiB } from '../catalog/node-capacity';
import { MODEL_SYNC_CHART_DIR, MODEL_SYNC_RELEASE, MODEL_SYNC_REVISION } from '../inference/model-sync';
import { modelSyncBudget } from '../inference/timing-budget';
import { checkpointGb, MODEL_COMPLETE_MARKER, PlacedModel } from '../inference/values';
import { HelmChartRelease } from './helm-chart-release';
import { ManagedSecret } from './secrets';
import { SecureBucket } from './secure-bucket';
import { WorkloadIdentity } from './workload-identity';

export interface ModelSyncProps {
  readonly project: string;
  readonly namespace: string;
  /** Models whose weights to stage (their checkpoint: the 16-bit repository or the AWQ/GPTQ one). */
  readonly models: readonly PlacedModel[];
  readonly bucket: SecureBucket;
  readonly hfToken: ManagedSecret;
  /** Pinned image with Python 3 and huggingface_hub, as pulled (through the registry mirror). */
  readonly image: string;
  /** The namespace, its network policies and the image repositories. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Weights staged by the platform: a Helm release of charts/model-sync (one Job per model, Hugging Face -> the
 * model bucket under models/<hf-id>/, marker last) that Terraform installs and upgrades before the engine
 * releases and waits on. Ordinary release objects rather than Helm hooks: they are tracked, rolled back and
 * uninstalled with the release, and the hash in each Job's name makes a changed model, image or script a new
 * Job (a Job's template is immutable) while an unchanged one stays complete. Its identity writes the bucket and
 * reads the token, through their own grant methods.
 */
export class ModelSync extends Construct {
  readonly identity: WorkloadIdentity;
  readonly release: HelmChartRelease;

  constructor(scope: Construct, id: string, props: ModelSyncProps) {
    super(scope, id);
    this.identity = new WorkloadIdentity(this, 'identity', {
      project: props.project,
      accountId: 'inference-model-sync',
      description: 'model-sync Jobs: copy model weights from Hugging Face into the model bucket',
      namespace: props.namespace,
      serviceAccountName: MODEL_SYNC_RELEASE,
      dependsOn: props.dependsOn,
    });
    const chart = new TerraformAsset(this, 'chart', {
      path: MODEL_SYNC_CHART_DIR,
      type: AssetType.DIRECTORY,
    });
    const budget = modelSyncBudget(Math.max(0, ...props.models.map(checkpointGb)));
    this.release = new HelmChartRelease(this, 'release', {
      name: MODEL_SYNC_RELEASE,
      namespace: props.namespace,
      chart: chart.path,
      valuesFile: 'model-sync.yaml',
      overrides: {
        image: props.image,
        bucket: props.bucket.name,
        marker: MODEL_COMPLETE_MARKER,
        serviceAccountName: this.identity.serviceAccountName,
        hfToken: { secretManagerVersion: `${props.hfToken.id}/versions/latest` },
        activeDeadlineSeconds: budget.activeDeadlineSeconds,
        maxFileBytes: MAX_CHECKPOINT_FILE_GB * 1e9,
        ephemeralStorage: `${modelSyncEphemeralStorageGiB(MAX_CHECKPOINT_FILE_GB)}Gi`,
        // One Job per checkpoint: two models on the same repository would race on the same objects.
        models: uniqueCheckpoints(props.models).map((m) => ({
          name: m.k8sName,
          huggingFaceId: m.placement.huggingFaceId,
          revision: MODEL_SYNC_REVISION,
        })),
      },
      timeoutSeconds: budget.helmTimeoutSeconds,
      waitForJobs: true,
      dependsOn: [
        this.identity.kubernetesServiceAccount,
        props.bucket.grantWrite(this.identity),
        props.hfToken.grantAccess(this.identity),
        ...(props.dependsOn ?? []),
      ],
    });
  }
}

function uniqueCheckpoints(models: readonly PlacedModel[]): PlacedModel[] {
  return models.filter(
    (m, i) => models.findIndex((o) => o.placement.huggingFaceId === m.placement.huggingFaceId) === i,
  );
}
