import { Release } from '@cdktf/provider-helm/lib/release';
import { AssetType, ITerraformDependable, TerraformAsset } from 'cdktf';
import { Construct } from 'constructs';
import { timingBudget } from '../inference/timing-budget';
import { renderValues } from '../inference/values';

export interface HelmChartReleaseProps {
  /** Helm release name. */
  readonly name: string;
  readonly namespace: string;
  /** Chart name in `repository`, or a chart path (a TerraformAsset's path for our own charts). */
  readonly chart: string;
  /** Chart repository URL. @default none: `chart` is a path */
  readonly repository?: string;
  /** Pinned chart version (required with `repository`). @default none: the local chart's own */
  readonly version?: string;
  /** File under helm-values/ holding the base values. */
  readonly valuesFile: string;
  /** Values generated from config, laid over the file (inference/values.ts mergeValues). */
  readonly overrides: Record<string, unknown>;
  /** Seconds Helm waits for ready pods before rolling back (inference/timing-budget.ts). @default timingBudget().helmTimeoutSeconds */
  readonly timeoutSeconds?: number;
  /** Release revisions kept for `helm rollback`. @default 5 */
  readonly maxHistory?: number;
  /**
   * A Node.js Helm post-renderer (manifests on stdin, edited manifests on stdout) for what the chart has no
   * option for; copied into the stack as an asset and run with `node` where Terraform runs. @default none
   */
  readonly postRendererScript?: string;
  /** Wait for the release's Jobs to complete too (a release of Jobs, e.g. the model-sync chart). @default false */
  readonly waitForJobs?: boolean;
  /** The identity, grants and namespace the pods need at start. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Helm release of ours (a model server, the Jobs that stage its weights, the compute classes they run on) with
 * the settings every one needs: atomic (a failed upgrade rolls back), waits for ready pods with a timeout that
 * covers a model download, cleans up what a failed install created, keeps a bounded history, and lints the chart
 * before installing.
 */
export class HelmChartRelease extends Construct {
  readonly release: Release;

  constructor(scope: Construct, id: string, props: HelmChartReleaseProps) {
    super(scope, id);
    if (props.repository && !props.version) {
      throw new Error(`release ${props.name}: a chart from a repository needs a pinned version`);
    }
    const postRenderer = props.postRendererScript
      ? new TerraformAsset(this, 'post-renderer', { path: props.postRendererScript, type: AssetType.FILE })
      : undefined;
    this.release = new Release(this, 'release', {
      name: props.name,
      namespace: props.namespace,
      chart: props.chart,
      repository: props.repository,
      version: props.version,
      values: [renderValues(props.valuesFile, props.overrides)],
      atomic: true,
      wait: true,
      waitForJobs: props.waitForJobs,
      timeout: props.timeoutSeconds ?? timingBudget().helmTimeoutSeconds,
      cleanupOnFail: true,
      maxHistory: props.maxHistory ?? 5,
      lint: true,
      postrender: postRenderer ? { binaryPath: 'node', args: [postRenderer.path] } : undefined,
      dependsOn: props.dependsOn,
    });
  }
}
