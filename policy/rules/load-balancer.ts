import { Attributes, block, blocks, isSet, isTrue, Rule, strings } from '../rule';

const BACKEND_SERVICES = ['google_compute_backend_service', 'google_compute_region_backend_service'];
const URL_MAPS = ['google_compute_url_map', 'google_compute_region_url_map'];

/** Internet-facing: EXTERNAL or EXTERNAL_MANAGED (the global resource defaults to EXTERNAL, the regional to INTERNAL). */
const isPublic = (a: Attributes, type: string) =>
  String(
    a.load_balancing_scheme ?? (type === 'google_compute_backend_service' ? 'EXTERNAL' : 'INTERNAL'),
  ).startsWith('EXTERNAL');

/** What in a URL map would serve content instead of redirecting to HTTPS. */
function servesContent(urlMap: Attributes): string[] {
  return [
    ...(isTrue(block(urlMap.default_url_redirect).https_redirect)
      ? []
      : ['default_url_redirect.https_redirect is not true']),
    ...['default_service', 'default_route_action'].filter((k) => isSet(urlMap[k])).map((k) => `${k} is set`),
    ...(blocks(urlMap.path_matcher).length ? ['it has path matchers'] : []),
  ];
}

const MATCH_ALL = ['*', '0.0.0.0/0', '::/0'];

/**
 * Security policy rules that let a request through before later rules see it: an allow-on-conform rate rule
 * (throttle / rate_based_ban with conform_action allow: every client under the limit matches) or an allow that
 * matches every source. Cloud Armor applies the first matching rule, so a deny after either never runs.
 */
function shadowsDenies(rule: Attributes): boolean {
  const action = String(rule.action);
  if (['throttle', 'rate_based_ban'].includes(action))
    return block(rule.rate_limit_options).conform_action === 'allow';
  const ranges = strings(block(block(rule.match).config).src_ip_ranges);
  return action === 'allow' && ranges.some((r) => MATCH_ALL.includes(r));
}

/** Denies that a preceding allowing rule keeps from ever running, as `<deny priority> after <allow priority>`. */
function shadowedDenies(policy: Attributes): string[] {
  const rules = blocks(policy.rule);
  const priority = (r: Attributes) => Number(r.priority);
  return rules
    .filter((r) => String(r.action).startsWith('deny'))
    .flatMap((deny) =>
      rules
        .filter((r) => shadowsDenies(r) && priority(r) < priority(deny))
        .map((r) => `deny rule ${priority(deny)} comes after the ${String(r.action)} rule ${priority(r)}`),
    );
}

export const loadBalancerRules: Rule[] = [
  {
    id: 'AFPI-LB-1',
    statement: 'SSL policy allows TLS older than 1.2',
    fix: 'set min_tls_version = "TLS_1_2" (it defaults to TLS_1_0) with profile "MODERN" or "RESTRICTED"',
    resourceTypes: ['google_compute_ssl_policy', 'google_compute_region_ssl_policy'],
    check: (a) => ['TLS_1_2', 'TLS_1_3'].includes(String(a.min_tls_version)),
  },
  {
    id: 'AFPI-LB-2',
    statement: 'HTTPS proxy has no SSL policy (Google default allows TLS 1.0)',
    fix: 'set ssl_policy to an SSL policy with min_tls_version = "TLS_1_2"',
    resourceTypes: ['google_compute_target_https_proxy', 'google_compute_region_target_https_proxy'],
    check: (a) => isSet(a.ssl_policy),
  },
  {
    id: 'AFPI-LB-3',
    statement: 'HTTP (port 80) proxy does more than redirect to HTTPS',
    fix: 'point the HTTP proxy at a URL map with only default_url_redirect { https_redirect = true }',
    resourceTypes: ['google_compute_target_http_proxy', 'google_compute_region_target_http_proxy'],
    check: (a, context) => {
      const urlMap = context.referenced(a.url_map, URL_MAPS);
      if (!urlMap) return [`its URL map ${String(a.url_map)} is not in this app, so it cannot be checked`];
      return servesContent(urlMap.attributes).map((p) => `${urlMap.path}: ${p}`);
    },
  },
  {
    id: 'AFPI-LB-4',
    statement: 'Public backend service has no Cloud Armor security policy',
    fix: 'set security_policy to the Cloud Armor policy (WAF rules and per-client rate limit)',
    resourceTypes: BACKEND_SERVICES,
    appliesTo: (a, context) => isPublic(a, context.resource.type),
    check: (a) => isSet(a.security_policy),
  },
  {
    id: 'AFPI-LB-5',
    statement: 'Backend service does not log requests',
    fix: 'set log_config { enable = true, sample_rate = 1 } (lower the sample rate for very high traffic)',
    resourceTypes: BACKEND_SERVICES,
    check: (a) => isTrue(block(a.log_config).enable),
  },
  {
    id: 'AFPI-LB-6',
    statement: 'Cloud Armor deny rule (WAF) never runs: an allowing rule matches the same requests first',
    fix: 'give deny rules lower priority numbers than any allow-on-conform rate rule (conform_action = "allow") or allow-all rule',
    resourceTypes: ['google_compute_security_policy'],
    check: (a) => shadowedDenies(a),
  },
];
