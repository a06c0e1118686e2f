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

/** A Cloud Monitoring dashboard whose JSON is built from the typed widget helpers. */
export class Dashboard extends Construct {
  readonly dashboard: MonitoringDashboard;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    this.dashboard = new MonitoringDashboard(this, 'dashboard', {
      dashboardJson: JSON.stringify(dashboard(props.displayName, props.widgets)),
      dependsOn: props.dependsOn,
    });
  }
}
