import { listEnvironments, loadEnvironment } from '../config/load';
import { STACK_IDS, TIERS } from '../config/schema';
import { synthEnvironment } from './support/synth';

const ENVIRONMENTS = listEnvironments();

describe.each(ENVIRONMENTS)('environment %s', (env) => {
  describe.each(TIERS)('at tier %s', (tier) => {
    const { config } = loadEnvironment(env, { tier });
    const app = synthEnvironment(env, tier);

    it('synthesizes exactly the stacks of its tier, in deploy order', () => {
      expect(Object.keys(app).sort()).toEqual([...config.stacks].sort());
      expect(config.stacks).toEqual(STACK_IDS.filter((id) => config.stacks.includes(id)));
    });

    it('keeps each stack state in the state bucket under <env>/<stack>', () => {
      for (const id of config.stacks.filter((s) => s !== 'state')) {
        expect(app[id]?.terraform?.backend).toEqual({
          gcs: { bucket: config.stateBucket.name, prefix: `${env}/${id}` },
        });
      }
    });

    it('configures the google provider for the project and region with default labels', () => {
      for (const id of config.stacks) {
        expect(app[id]?.provider?.google?.[0]).toEqual(
          expect.objectContaining({
            project: config.projectId,
            region: config.region,
            default_labels: expect.objectContaining({ app: 'afpi', env, tier, 'managed-by': 'cdktf' }),
          }),
        );
      }
    });
  });
});
