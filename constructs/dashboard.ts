import { MonitoringDashboard } from '@cdktf/provider-google/lib/monitoring-dashboard';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { dashboard, Widget } from '../observability/dashboard-widgets';

export interface DashboardProps {
  readonly displayName: string;
  /** Charts, laid out two per row in the given order. */
  readonly widgets: Widget[];
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Terraform reads `${...}` and `%{...}` in any string as its own template syntax, so a Monitoring legend
 * variable such as `${metric.labels.route}` failed `terraform validate` ("Reference to undeclared resource").
 * Doubling the opening character keeps them literal; cdktf tokens (`${TfToken[...]}`, cross-stack
 * references) are left for cdktf to resolve.
 */
function escapeTerraformTemplates(json: string): string {
  return json.replace(/\$\{(?!TfToken\[)/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/** A Cloud Monitoring dashboard whose JSON is built from the typed widget helpers. */
export class Dashboard extends Construct {
  readonly dashboard: MonitoringDashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    this.dashboard = new MonitoringDashboard(this, 'dashboard', {
      // Indented, so several lines: `synth --hcl` writes a multi-line string as a heredoc, which keeps the
      // JSON's backslashes (`\"` in filters) and quotes as they are; a one-line string would lose them.
      dashboardJson: escapeTerraformTemplates(
        JSON.stringify(dashboard(props.displayName, props.widgets), null, 2),
      ),
      dependsOn: props.dependsOn,
    });
  }
}
