import {
  ComputeSecurityPolicy,
  ComputeSecurityPolicyRule,
} from '@cdktf/provider-google/lib/compute-security-policy';
import { Construct } from 'constructs';

/** Cloud Armor preconfigured WAF rule sets (ModSecurity CRS 3.3, plus Google's CVE rules) evaluated on every request. */
export const WAF_RULE_SETS = [
  'sqli-v33-stable',
  'xss-v33-stable',
  'lfi-v33-stable',
  'rfi-v33-stable',
  'rce-v33-stable',
  'scannerdetection-v33-stable',
  'protocolattack-v33-stable',
  'sessionfixation-v33-stable',
  // Log4Shell (CVE-2021-44228/45046) and other newly published CVEs.
  'cve-canary',
] as const;

export interface CloudArmorPolicyProps {
  /** Policy name. */
  readonly name: string;
  /** `true` logs WAF matches without blocking them (tuning); `false` blocks with 403. */
  readonly wafPreview: boolean;
  /** Preconfigured WAF sensitivity, 1 (fewest false positives) to 4. */
  readonly wafSensitivity: number;
  /** Requests per minute one client IP may send; above it requests get 429 and the client is banned. */
  readonly requestsPerMinute: number;
  /** How long a client that went over the limit stays banned. */
  readonly banDurationSeconds: number;
}

// Cloud Armor stops at the first matching rule, and a rate-based rule's conform action (allow) is a match: the
// WAF denies must come before it or they never run. Accepted consequence: requests a WAF rule denies never count
// toward the rate-based ban, so a scanner is blocked request by request but never banned.
const PRIORITY = { waf: 1000, rateLimit: 2000, default: 2147483647 } as const;
const EVERYONE = { versionedExpr: 'SRC_IPS_V1', config: { srcIpRanges: ['*'] } };

/**
 * Backend security policy for the public load balancer backends: the preconfigured WAF rule sets first, then a
 * per-client-IP rate limit with a ban (its conform action allows, which ends evaluation), adaptive protection
 * against layer-7 DDoS, and allow as the last (default) rule.
 */
export class CloudArmorPolicy extends Construct {
  readonly policy: ComputeSecurityPolicy;

  constructor(scope: Construct, id: string, props: CloudArmorPolicyProps) {
    super(scope, id);
    const rules: ComputeSecurityPolicyRule[] = [
      ...WAF_RULE_SETS.map((ruleSet, i) => ({
        priority: PRIORITY.waf + i,
        description: `WAF ${ruleSet}`,
        action: 'deny(403)',
        preview: props.wafPreview,
        match: {
          expr: {
            expression: `evaluatePreconfiguredWaf('${ruleSet}', {'sensitivity': ${props.wafSensitivity}})`,
          },
        },
      })),
      {
        priority: PRIORITY.rateLimit,
        description: `Ban a client IP for ${props.banDurationSeconds}s above ${props.requestsPerMinute} requests/min`,
        action: 'rate_based_ban',
        match: EVERYONE,
        rateLimitOptions: {
          enforceOnKey: 'IP',
          rateLimitThreshold: { count: props.requestsPerMinute, intervalSec: 60 },
          banDurationSec: props.banDurationSeconds,
          conformAction: 'allow',
          exceedAction: 'deny(429)',
        },
      },
      { priority: PRIORITY.default, description: 'Default: allow', action: 'allow', match: EVERYONE },
    ];
    this.policy = new ComputeSecurityPolicy(this, 'policy', {
      name: props.name,
      description: 'WAF, per-client rate limit and adaptive protection for the AFPI load balancer',
      type: 'CLOUD_ARMOR',
      // The WAF reads JSON bodies as JSON (fewer false positives on the API) and logs why a rule matched.
      advancedOptionsConfig: { jsonParsing: 'STANDARD', logLevel: 'VERBOSE' },
      adaptiveProtectionConfig: { layer7DdosDefenseConfig: { enable: true, ruleVisibility: 'STANDARD' } },
      rule: rules,
    });
  }
}
