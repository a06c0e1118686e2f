import { TerraformDataSource, TerraformProvider, TerraformResource } from 'cdktf';
import { withoutUndefinedAttributes } from '../app/lean-attributes';
import { loadEnvironment } from '../config/load';
import { synthApp, synthesizeEnvironment } from './support/synth';

describe('withoutUndefinedAttributes', () => {
  it.each(['dev', 'prod'])('lets npm run synth of %s write what a plain app.synth() writes', (env) => {
    const { config } = loadEnvironment(env);
    expect(synthesizeEnvironment(env).stacks).toStrictEqual(synthApp(config));
  });

  it("restores cdktf's toTerraform methods after the work, also when it throws", () => {
    const classes = [TerraformResource, TerraformDataSource, TerraformProvider];
    const before = classes.map((c) => c.prototype.toTerraform);
    const during = withoutUndefinedAttributes(() => classes.map((c) => c.prototype.toTerraform));
    expect(during.every((method, i) => method !== before[i])).toBe(true);
    expect(classes.map((c) => c.prototype.toTerraform)).toEqual(before);
    expect(() =>
      withoutUndefinedAttributes(() => {
        throw new Error('synth failed');
      }),
    ).toThrow('synth failed');
    expect(classes.map((c) => c.prototype.toTerraform)).toEqual(before);
  });
});
