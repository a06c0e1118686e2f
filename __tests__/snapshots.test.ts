/**
 * One snapshot per stack per environment, so a pull request shows exactly how the synthesized Terraform
 * changes. Update deliberately with `npx jest __tests__/snapshots.test.ts -u` and review the diff.
 */
import { loadEnvironment } from '../config/load';
import { synthEnvironment } from './support/synth';

describe.each(['dev', 'staging', 'prod'])('synthesized %s', (env) => {
  const { config } = loadEnvironment(env);
  const app = synthEnvironment(env);

  it.each(config.stacks.map((id) => [id]))('%s matches its snapshot', (id) => {
    const stack = app[id];
    // Beyond the snapshot: the stack exists, holds resources and names its backend.
    expect(Object.keys(stack?.resource ?? {}).length).toBeGreaterThan(0);
    expect(stack?.terraform?.backend).toBeDefined();
    expect(stack).toMatchSnapshot();
  });
});
