import { createHash } from 'crypto';
import { ComputeGlobalForwardingRule } from '@cdktf/provider-google/lib/compute-global-forwarding-rule';
import { ComputeManagedSslCertificate } from '@cdktf/provider-google/lib/compute-managed-ssl-certificate';
import { ComputeSslPolicy } from '@cdktf/provider-google/lib/compute-ssl-policy';
import { ComputeTargetHttpProxy } from '@cdktf/provider-google/lib/compute-target-http-proxy';
import { ComputeTargetHttpsProxy } from '@cdktf/provider-google/lib/compute-target-https-proxy';
import { ComputeUrlMap } from '@cdktf/provider-google/lib/compute-url-map';
import { Construct } from 'constructs';

/** Requests for `host` go to `backendService`. */
export interface HostRoute {
  readonly host: string;
  /** Backend service id. */
  readonly backendService: string;
  /**
   * Paths with a path rule of their own, served by `backendService` too: the load balancer's metrics then tell
   * them apart (`matched_url_path_rule`). @default - none
   */
  readonly separatePaths?: readonly string[];
}

export interface HttpsLoadBalancerProps {
  /** Prefix of every resource name. */
  readonly name: string;
  /** Reserved global IPv4 address (the address itself) both forwarding rules listen on. */
  readonly ipAddress: string;
  /** Host routes; the first one also takes requests for unknown hosts. */
  readonly routes: readonly HostRoute[];
  /** SSL policy profile; either way the minimum is TLS 1.2. */
  readonly sslProfile: 'MODERN' | 'RESTRICTED';
}

/**
 * Global external Application Load Balancer (EXTERNAL_MANAGED): a URL map routing by host, one
 * Google-managed certificate per host, an SSL policy with TLS 1.2 at least, the HTTPS proxy and forwarding
 * rule on port 443, and on port 80 a URL map that only redirects to HTTPS.
 */
export class HttpsLoadBalancer extends Construct {
  readonly urlMap: ComputeUrlMap;
  /** The URL map's name, known at synth time (for monitoring filters). */
  readonly urlMapName: string;
  readonly certificates: ComputeManagedSslCertificate[];
  readonly sslPolicy: ComputeSslPolicy;
  readonly httpsProxy: ComputeTargetHttpsProxy;
  readonly httpsForwardingRule: ComputeGlobalForwardingRule;
  readonly httpForwardingRule: ComputeGlobalForwardingRule;

  constructor(scope: Construct, id: string, props: HttpsLoadBalancerProps) {
    super(scope, id);
    const matcher = (i: number) => `host-${i}`;
    this.urlMapName = `${props.name}-https`;
    this.urlMap = new ComputeUrlMap(this, 'url-map', {
      name: this.urlMapName,
      defaultService: props.routes[0].backendService,
      hostRule: props.routes.map((r, i) => ({ hosts: [r.host], pathMatcher: matcher(i) })),
      pathMatcher: props.routes.map((r, i) => ({
        name: matcher(i),
        defaultService: r.backendService,
        pathRule: r.separatePaths?.length
          ? [{ paths: [...r.separatePaths], service: r.backendService }]
          : undefined,
      })),
    });

    // One certificate per host: a host whose DNS is not ready yet does not hold back the other's certificate.
    // The name carries a hash of the host so a new domain gets a new certificate, created before the old one
    // is detached and destroyed.
    this.certificates = props.routes.map(
      (r, i) =>
        new ComputeManagedSslCertificate(this, `certificate-${i}`, {
          name: `${props.name}-${createHash('sha256').update(r.host).digest('hex').slice(0, 10)}`,
          managed: { domains: [r.host] },
          lifecycle: { createBeforeDestroy: true },
        }),
    );
    this.sslPolicy = new ComputeSslPolicy(this, 'ssl-policy', {
      name: `${props.name}-tls`,
      profile: props.sslProfile,
      minTlsVersion: 'TLS_1_2',
    });
    this.httpsProxy = new ComputeTargetHttpsProxy(this, 'https-proxy', {
      name: `${props.name}-https`,
      urlMap: this.urlMap.id,
      sslCertificates: this.certificates.map((c) => c.id),
      sslPolicy: this.sslPolicy.id,
    });
    this.httpsForwardingRule = new ComputeGlobalForwardingRule(this, 'https-forwarding-rule', {
      name: `${props.name}-https`,
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      ipProtocol: 'TCP',
      ipAddress: props.ipAddress,
      portRange: '443',
      target: this.httpsProxy.id,
    });

    const redirect = new ComputeUrlMap(this, 'http-redirect', {
      name: `${props.name}-http-redirect`,
      defaultUrlRedirect: {
        httpsRedirect: true,
        redirectResponseCode: 'MOVED_PERMANENTLY_DEFAULT',
        stripQuery: false,
      },
    });
    const httpProxy = new ComputeTargetHttpProxy(this, 'http-proxy', {
      name: `${props.name}-http`,
      urlMap: redirect.id,
    });
    this.httpForwardingRule = new ComputeGlobalForwardingRule(this, 'http-forwarding-rule', {
      name: `${props.name}-http`,
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      ipProtocol: 'TCP',
      ipAddress: props.ipAddress,
      portRange: '80',
      target: httpProxy.id,
    });
  }
}
