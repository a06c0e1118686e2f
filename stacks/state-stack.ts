import { LocalBackend, TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { SecureBucket } from '../constructs/secure-bucket';
import { AfpiStack, AfpiStackProps } from './afpi-stack';

/**
 * Bootstrap: the bucket that holds every other stack's state. Its own state is local (it cannot live in a
 * bucket that does not exist yet), kept at the repository root as `terraform.state.<env>.tfstate`.
 */
export class StateStack extends AfpiStack {
  readonly stateBucket: SecureBucket;

  constructor(scope: Construct, props: AfpiStackProps) {
    super(scope, 'state', props);
    const { env, stateBucket } = props.config;
    // Relative to cdktf.out/stacks/state, so the path survives re-synthesis and stays out of cdktf.out.
    new LocalBackend(this, { path: `../../../terraform.state.${env}.tfstate` });
    this.stateBucket = new SecureBucket(this, 'tfstate', {
      name: stateBucket.name,
      location: stateBucket.location,
      noncurrentVersionsKept: stateBucket.noncurrentVersionsKept,
      kmsKeyName: stateBucket.kmsKeyName,
    });
    new TerraformOutput(this, 'state_bucket_name', { value: this.stateBucket.name });
  }
}
