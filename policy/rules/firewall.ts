import { Attributes, blocks, isTrue, Rule, strings } from '../rule';

const ANYWHERE = ['0.0.0.0/0', '::/0'];
/** The load balancer's own path: HTTP(S) to backends named by target tag or service account. */
const LB_PORTS = ['80', '443'];

/** Allow blocks that open something other than HTTP(S), or HTTP(S) to every instance of the network. */
function openBeyondLoadBalancer(a: Attributes): string[] {
  const scoped = strings(a.target_tags).length > 0 || strings(a.target_service_accounts).length > 0;
  return blocks(a.allow).flatMap((allow) => {
    const ports = strings(allow.ports);
    const httpOnly = allow.protocol === 'tcp' && ports.length > 0 && ports.every((p) => LB_PORTS.includes(p));
    if (httpOnly && scoped) return [];
    const what = `${String(allow.protocol)}${ports.length ? `:${ports.join(',')}` : ' (all ports)'}`;
    return [
      httpOnly ? `${what} to every instance (no target tags or service accounts)` : `${what} from anywhere`,
    ];
  });
}

export const firewallRules: Rule[] = [
  {
    id: 'AFPI-FW-1',
    statement: 'Firewall rule allows ingress from anywhere (0.0.0.0/0)',
    fix: 'narrow source_ranges (health checks: 35.191.0.0/16, 130.211.0.0/22; IAP: 35.235.240.0/20); only a load balancer path may open tcp:80/443 from anywhere, to tagged backends',
    resourceTypes: ['google_compute_firewall'],
    appliesTo: (a) =>
      (a.direction ?? 'INGRESS') === 'INGRESS' &&
      !isTrue(a.disabled) &&
      strings(a.source_ranges).some((r) => ANYWHERE.includes(r)),
    check: openBeyondLoadBalancer,
  },
];
