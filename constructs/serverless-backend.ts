import {
  ComputeBackendService,
  ComputeBackendServiceCdnPolicy,
} from '@cdktf/provider-google/lib/compute-backend-service';
import { ComputeRegionNetworkEndpointGroup } from '@cdktf/provider-google/lib/compute-region-network-endpoint-group';
import { Construct } from 'constructs';

/** The same Cloud Run service deployed in one region. */
export interface RegionalService {
  readonly region: string;
  /** Cloud Run service name in that region. */
  readonly serviceName: string;
}

/** Cloud CDN settings; CDN is off when the prop is absent. */
export interface CdnSettings {
  readonly defaultTtlSeconds: number;
  readonly maxTtlSeconds: number;
  readonly clientTtlSeconds: number;
  readonly serveWhileStaleSeconds: number;
}

export interface ServerlessBackendProps {
  /** Backend service name; NEGs are named `<name>-<region>`. */
  readonly name: string;
  /** One entry per serving region. */
  readonly services: readonly RegionalService[];
  /** Cloud Armor policy (self link or id) enforced on every request that reaches the backend. */
  readonly securityPolicy: string;
  /** Fraction of requests logged. */
  readonly logSampleRate: number;
  /** Cloud CDN for static content. @default no CDN */
  readonly cdn?: CdnSettings;
}

/**
 * A global EXTERNAL_MANAGED backend service over one serverless NEG per serving region, with request logging
 * and a Cloud Armor policy, optionally Cloud CDN. Serverless NEGs take no health checks; with two regions,
 * outlier detection moves traffic away from a region whose service keeps failing.
 */
export class ServerlessBackend extends Construct {
  readonly backendService: ComputeBackendService;
  readonly negs: ComputeRegionNetworkEndpointGroup[];

  constructor(scope: Construct, id: string, props: ServerlessBackendProps) {
    super(scope, id);
    this.negs = props.services.map(
      (s) =>
        new ComputeRegionNetworkEndpointGroup(this, `neg-${s.region}`, {
          name: `${props.name}-${s.region}`,
          region: s.region,
          networkEndpointType: 'SERVERLESS',
          cloudRun: { service: s.serviceName },
        }),
    );
    this.backendService = new ComputeBackendService(this, 'backend-service', {
      name: props.name,
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      protocol: 'HTTPS',
      backend: this.negs.map((neg) => ({ group: neg.id })),
      securityPolicy: props.securityPolicy,
      logConfig: { enable: true, sampleRate: props.logSampleRate },
      enableCdn: props.cdn !== undefined,
      cdnPolicy: props.cdn && cdnPolicy(props.cdn),
      outlierDetection:
        props.services.length > 1
          ? {
              consecutiveErrors: 5,
              interval: { seconds: 10 },
              baseEjectionTime: { seconds: 30 },
              maxEjectionPercent: 50,
            }
          : undefined,
    });
  }
}

function cdnPolicy(cdn: CdnSettings): ComputeBackendServiceCdnPolicy {
  return {
    // Caches static file types and responses marked cacheable; API-like and personalised responses pass through.
    cacheMode: 'CACHE_ALL_STATIC',
    defaultTtl: cdn.defaultTtlSeconds,
    maxTtl: cdn.maxTtlSeconds,
    clientTtl: cdn.clientTtlSeconds,
    serveWhileStale: cdn.serveWhileStaleSeconds,
    // 404s and similar are cached briefly (Cloud CDN's default TTLs), sparing the origin repeated misses.
    negativeCaching: true,
    requestCoalescing: true,
    cacheKeyPolicy: { includeHost: true, includeProtocol: true, includeQueryString: true },
  };
}
