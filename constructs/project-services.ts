import { ProjectService } from '@cdktf/provider-google/lib/project-service';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';

export interface ProjectServicesProps {
  /** API names, e.g. `compute.googleapis.com`. */
  readonly services: readonly string[];
}

/**
 * Enables Google APIs a stack uses. `disable_on_destroy = false`: destroying one stack must never switch off
 * an API that other stacks (or people) still rely on.
 */
export class ProjectServices extends Construct {
  /** The enabled APIs, by API name. */
  readonly services: Readonly<Record<string, ProjectService>>;

  constructor(scope: Construct, id: string, props: ProjectServicesProps) {
    super(scope, id);
    const services: Record<string, ProjectService> = {};
    for (const service of new Set(props.services)) {
      services[service] = new ProjectService(this, service.split('.')[0], {
        service,
        disableOnDestroy: false,
        disableDependentServices: false,
      });
    }
    this.services = services;
  }

  /** Every enabled API, for `dependsOn` of resources that need them. */
  get dependables(): ITerraformDependable[] {
    return Object.values(this.services);
  }
}
