import {
  AccessContextManagerServicePerimeter,
  AccessContextManagerServicePerimeterStatus,
} from '@cdktf/provider-google/lib/access-context-manager-service-perimeter';
import { DataGoogleProject } from '@cdktf/provider-google/lib/data-google-project';
import { Construct } from 'constructs';

/** Identities allowed in from outside, with why. */
export interface PerimeterIngress {
  readonly identities: readonly string[];
  /** APIs they may call inside. @default every API */
  readonly services?: readonly string[];
  readonly reason: string;
}

/** Calls from inside to projects outside, with why. */
export interface PerimeterEgress {
  /** @default any identity */
  readonly identities?: readonly string[];
  /** `projects/<number>` outside the perimeter. */
  readonly resources: readonly string[];
  /** APIs called there. */
  readonly services: readonly string[];
  readonly reason: string;
}

export interface ServicePerimeterProps {
  /** `accessPolicies/<number>`. */
  readonly accessPolicy: string;
  /** Perimeter id: letters, digits and underscores, starting with a letter. */
  readonly name: string;
  readonly title: string;
  /** The project inside (the perimeter names it by number, read here). */
  readonly projectId: string;
  /** `dry-run` puts the config in `spec` (violations logged only); `enforce` in `status` (blocked). */
  readonly mode: 'dry-run' | 'enforce';
  /** APIs the perimeter protects. */
  readonly restrictedServices: readonly string[];
  /** APIs reachable from the VPC networks inside (`RESTRICTED-SERVICES` stands for the restricted ones). */
  readonly vpcAccessibleServices: readonly string[];
  readonly ingress: readonly PerimeterIngress[];
  readonly egress: readonly PerimeterEgress[];
}

/**
 * A regular VPC Service Controls perimeter around one project. In dry-run the whole config is the explicit
 * dry-run spec and nothing is enforced; in enforce it is the status and there is no dry-run spec.
 */
export class ServicePerimeter extends Construct {
  readonly perimeter: AccessContextManagerServicePerimeter;

  constructor(scope: Construct, id: string, props: ServicePerimeterProps) {
    super(scope, id);
    const project = new DataGoogleProject(this, 'project', { projectId: props.projectId });
    const config: AccessContextManagerServicePerimeterStatus = {
      resources: [`projects/${project.number}`],
      restrictedServices: [...props.restrictedServices],
      vpcAccessibleServices: {
        enableRestriction: true,
        allowedServices: [...props.vpcAccessibleServices],
      },
      ingressPolicies: props.ingress.map((rule) => ({
        title: rule.reason,
        ingressFrom: {
          identities: [...rule.identities],
          // From any network: these identities deploy from CI runners and workstations outside the VPC.
          sources: [{ accessLevel: '*' }],
        },
        ingressTo: {
          resources: ['*'],
          operations: rule.services
            ? rule.services.map((serviceName) => ({ serviceName, methodSelectors: [{ method: '*' }] }))
            : [{ serviceName: '*' }],
        },
      })),
      egressPolicies: props.egress.map((rule) => ({
        title: rule.reason,
        egressFrom: rule.identities ? { identities: [...rule.identities] } : { identityType: 'ANY_IDENTITY' },
        egressTo: {
          resources: [...rule.resources],
          operations: rule.services.map((serviceName) => ({
            serviceName,
            methodSelectors: [{ method: '*' }],
          })),
        },
      })),
    };
    const dryRun = props.mode === 'dry-run';
    this.perimeter = new AccessContextManagerServicePerimeter(this, 'perimeter', {
      parent: props.accessPolicy,
      name: `${props.accessPolicy}/servicePerimeters/${props.name}`,
      title: props.title,
      perimeterType: 'PERIMETER_TYPE_REGULAR',
      useExplicitDryRunSpec: dryRun,
      ...(dryRun ? { spec: config } : { status: config }),
    });
  }
}
