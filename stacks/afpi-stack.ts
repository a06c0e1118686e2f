import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { GcsBackend, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { EnvironmentConfig, StackId } from '../config/schema';

export interface AfpiStackProps {
  readonly config: EnvironmentConfig;
}

/** Labels on every resource: who owns it and how it got there. */
export function defaultLabels(config: EnvironmentConfig): Record<string, string> {
  return { ...config.labels, app: 'afpi', env: config.env, tier: config.tier, 'managed-by': 'cdktf' };
}

/**
 * Base of every stack: the google provider for the environment's project and region with default labels, and
 * remote state in the environment's state bucket under `<env>/<stack>`. The `state` stack overrides the backend.
 */
export abstract class AfpiStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly provider: GoogleProvider;

  constructor(scope: Construct, id: StackId, props: AfpiStackProps) {
    super(scope, id);
    this.config = props.config;
    this.provider = new GoogleProvider(this, 'google', {
      project: props.config.projectId,
      region: props.config.region,
      addTerraformAttributionLabel: true,
    });
    // cdktf snake-cases map keys inside provider blocks (`managed-by` would become `managed_by`); the
    // override is written verbatim.
    this.provider.addOverride('default_labels', defaultLabels(props.config));
    if (id !== 'state') {
      new GcsBackend(this, { bucket: props.config.stateBucket.name, prefix: `${props.config.env}/${id}` });
    }
  }
}
