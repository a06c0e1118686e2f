/**
 * The model-sync release (charts/model-sync) as data: where its chart is, how its Jobs are named, and which
 * environments run it. Without cdktf, for the stacks, the alerts and the admission allowlist alike.
 */
import * as path from 'path';
import { repoRoot } from '../config/paths';
import { EnvironmentConfig } from '../config/schema';

export const MODEL_SYNC_CHART_DIR = path.join(repoRoot, 'charts', 'model-sync');
/** Release name; the Jobs are named `<release>-<model>-<hash of the pod template>` (log filters match the prefix). */
export const MODEL_SYNC_RELEASE = 'model-sync';
/** Hugging Face revision the Jobs sync; the marker records the commit it resolved to. */
export const MODEL_SYNC_REVISION = 'main';

/** Whether an environment stages weights with model-sync Jobs: inference from the bucket, with models. */
export function modelSyncRuns(config: EnvironmentConfig): boolean {
  const inference = config.stacks.includes('inference') ? config.inference : undefined;
  return inference?.modelCache === 'gcsfuse' && inference.models.length > 0;
}
