import { Rule } from '../rule';
import { bucketRules } from './buckets';
import { cloudRunRules } from './cloud-run';
import { firewallRules } from './firewall';
import { gkeRules } from './gke';
import { iamRules } from './iam';
import { kmsRules } from './kms';
import { helmRules, kubernetesRules } from './kubernetes';
import { loadBalancerRules } from './load-balancer';
import { observabilityRules } from './observability';
import { redisRules } from './redis';
import { sqlRules } from './sql';

/** Every rule of the AFPI policy pack, in the order the report lists them. */
export const RULES: readonly Rule[] = [
  ...sqlRules,
  ...redisRules,
  ...bucketRules,
  ...cloudRunRules,
  ...loadBalancerRules,
  ...gkeRules,
  ...iamRules,
  ...observabilityRules,
  ...kmsRules,
  ...firewallRules,
  ...kubernetesRules,
  ...helmRules,
];
