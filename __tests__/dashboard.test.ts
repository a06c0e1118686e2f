import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { Dashboard } from '../constructs/dashboard';
import { chart, promSeries } from '../observability/dashboard-widgets';

// Terraform reads "${...}" in any string as its own template: `terraform validate` rejected the business
// dashboard's legend "${metric.labels.route}" as a reference to an undeclared resource.
describe('Dashboard', () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const cluster = new TerraformVariable(stack, 'cluster', { type: 'string' });
  new Dashboard(stack, 'dashboard', {
    displayName: 'legend',
    widgets: [
      chart('GPU', '%', [
        promSeries(`DCGM_FI_DEV_GPU_UTIL{cluster="${cluster.stringValue}"}`, {
          legend: '${metric.labels.route} %{x}',
        }),
      ]),
    ],
  });
  const [dashboard] = Object.values(JSON.parse(Testing.synth(stack)).resource.google_monitoring_dashboard);
  const json = (dashboard as { dashboard_json: string }).dashboard_json;

  it('escapes Monitoring legend variables so Terraform keeps them literal', () => {
    expect(json).toMatch(/"legendTemplate": *"\$\$\{metric\.labels\.route\} %%\{x\}"/);
  });

  it('leaves cdktf tokens (references) as Terraform references', () => {
    expect(json).toContain('DCGM_FI_DEV_GPU_UTIL{cluster=\\"${var.cluster}\\"}');
  });
});
