import { App } from 'cdktf';
import { EnvironmentConfig } from '../config/schema';
import { PolicyPack } from '../policy/policy-pack';
import { useLeanResolve } from './lean-resolve';
import { CloudRunStack } from '../stacks/cloud-run-stack';
import { DataStack } from '../stacks/data-stack';
import { GkeGpuStack } from '../stacks/gke-gpu-stack';
import { InferenceStack } from '../stacks/inference-stack';
import { NetworkStack } from '../stacks/network-stack';
import { ObservabilityStack } from '../stacks/observability-stack';
import { StateStack } from '../stacks/state-stack';

/** Adds the environment's stacks to `app`, wiring each stack's inputs from the stacks it reads. */
export function buildApp(app: App, config: EnvironmentConfig): void {
  // Every app we build (npm run synth, npm run policy, the tests) resolves its tokens with leanResolve.
  useLeanResolve();
  new StateStack(app, { config });
  const network = new NetworkStack(app, { config });
  const data = new DataStack(app, { config, network });
  const cloudRun = new CloudRunStack(app, { config, network, data });
  const gkeGpu = config.stacks.includes('gke-gpu')
    ? new GkeGpuStack(app, { config, network, data })
    : undefined;
  if (gkeGpu && config.stacks.includes('inference')) {
    new InferenceStack(app, { config, network, data, gkeGpu });
  }
  // Last: it watches every other stack.
  new ObservabilityStack(app, { config, data, cloudRun, gkeGpu });
  // After every stack: checks each resource; a violation fails synthesis (policy/).
  PolicyPack.applyTo(app, new PolicyPack(config));
}
