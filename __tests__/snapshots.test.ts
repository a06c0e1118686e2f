/**
 * One snapshot per stack per environment, so a pull request shows exactly how the synthesized Terraform
 * changes. Update deliberately with `npx jest __tests__/snapshots.test.ts -u` and review the diff.
 */
import { listEnvironments, loadEnvironment } from '../config/load';
import { synthEnvironment } from './support/synth';

// Every file in config/environments/: a new environment's first `npm test` writes its snapshots (commit them;
// CI refuses to write new snapshots).
describe.each(listEnvironments())('synthesized %s', (env) => {
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
