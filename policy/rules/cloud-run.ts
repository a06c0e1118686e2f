import {
  Attributes,
  block,
  blocks,
  isSet,
  isTrue,
  PolicyResource,
  Rule,
  RuleContext,
  strings,
} from '../rule';

const SERVICE = 'google_cloud_run_v2_service';
const INVOKER_GRANTS = ['google_cloud_run_v2_service_iam_member', 'google_cloud_run_v2_service_iam_binding'];
const PUBLIC_MEMBERS = ['allUsers', 'allAuthenticatedUsers'];

/** Ingress other than ALL (the default when unset): internal traffic and/or the load balancer only. */
const restrictsIngress = (service: Attributes) =>
  ['INGRESS_TRAFFIC_INTERNAL_ONLY', 'INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER'].includes(
    String(service.ingress),
  );

/** The Cloud Run service `value` names, by Terraform reference or by literal service name. */
function serviceNamed(value: unknown, context: RuleContext): PolicyResource | undefined {
  return (
    context.referenced(value, [SERVICE]) ??
    context.ofType(SERVICE).find((s) => isSet(value) && s.attributes.name === value)
  );
}

/** Whether a serverless NEG (hence a load balancer) sends traffic to `service`. */
function frontedByLoadBalancer(service: PolicyResource, context: RuleContext): boolean {
  return context.ofType('google_compute_region_network_endpoint_group').some((neg) => {
    const cloudRun = block(neg.attributes.cloud_run);
    // A URL-mask NEG can route to any service of its region.
    if (isSet(cloudRun.url_mask)) return true;
    return isSet(cloudRun.service) && serviceNamed(cloudRun.service, context)?.path === service.path;
  });
}

// Env names that announce a credential; names of a secret (`_SECRET_ID`, `_NAME`) or a file are not credentials.
const SECRET_NAME = /(^|_)(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)(_|$)/i;
const NOT_A_VALUE = /_(ID|NAME|FILE|PATH|URI|URL|VERSION)$/i;
// References to a secret's value (not to the secret): they would be copied into the revision in plain text.
const SECRET_REFERENCE =
  /\.secret_data\b|\brandom_password\.|\bgoogle_service_account_key\.[^.]+\.private_key\b/;
// Well-known key formats: OpenAI/X.AI, Hugging Face, Google API keys, GitHub tokens, PEM private keys.
const KEY_VALUE =
  /^(sk-[A-Za-z0-9_-]{16,}|xai-[A-Za-z0-9]{16,}|hf_[A-Za-z0-9]{20,}|AIza[0-9A-Za-z_-]{30,}|gh[pousr]_[A-Za-z0-9]{30,})|-----BEGIN [A-Z ]*PRIVATE KEY-----/;

function plainSecrets(service: Attributes): string[] {
  return blocks(block(service.template).containers).flatMap((container) =>
    blocks(container.env)
      .filter((env) => typeof env.value === 'string' && env.value !== '')
      .filter((env) => {
        const value = String(env.value);
        if (value.includes('${')) return SECRET_REFERENCE.test(value);
        return (
          KEY_VALUE.test(value) || (SECRET_NAME.test(String(env.name)) && !NOT_A_VALUE.test(String(env.name)))
        );
      })
      .map((env) => `env ${String(env.name)} of container ${String(container.name ?? container.image)}`),
  );
}

export const cloudRunRules: Rule[] = [
  {
    id: 'AFPI-RUN-1',
    statement:
      'Cloud Run service behind the load balancer also accepts traffic from the internet (ingress ALL)',
    fix: 'set ingress = "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" so traffic passes the load balancer and Cloud Armor',
    resourceTypes: [SERVICE],
    appliesTo: (_a, context) => frontedByLoadBalancer(context.resource, context),
    check: (a) => restrictsIngress(a),
  },
  {
    id: 'AFPI-RUN-2',
    statement: 'Cloud Run service is invokable by anyone (allUsers / IAM check off) while its ingress is ALL',
    fix: 'restrict ingress to "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER" (or "INGRESS_TRAFFIC_INTERNAL_ONLY") before granting roles/run.invoker to allUsers',
    resourceTypes: [SERVICE, ...INVOKER_GRANTS],
    appliesTo: (a, context) =>
      context.resource.type === SERVICE
        ? isTrue(a.invoker_iam_disabled)
        : a.role === 'roles/run.invoker' &&
          [...strings(a.member), ...strings(a.members)].some((m) => PUBLIC_MEMBERS.includes(m)),
    check: (a, context) => {
      if (context.resource.type === SERVICE) return restrictsIngress(a);
      const service = serviceNamed(a.name, context);
      if (!service)
        return [`the granted service ${String(a.name)} is not in this app, so its ingress is unknown`];
      return restrictsIngress(service.attributes) ? [] : [`${service.path} has ingress ALL`];
    },
  },
  {
    id: 'AFPI-RUN-3',
    statement: 'Cloud Run container has a secret as a plain env value',
    fix: 'store it in Secret Manager and reference it with env.value_source.secret_key_ref { secret, version }',
    resourceTypes: [SERVICE],
    check: (a) => plainSecrets(a),
  },
  {
    id: 'AFPI-RUN-4',
    statement: 'Cloud Run service runs as the default compute service account',
    fix: 'set template.service_account to a dedicated least-privilege service account',
    resourceTypes: [SERVICE],
    check: (a) => {
      const account = block(a.template).service_account;
      return isSet(account) && !String(account).endsWith('-compute@developer.gserviceaccount.com');
    },
  },
];
