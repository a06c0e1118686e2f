import { isTrue, outsideDev, Rule } from '../rule';

const REDIS = ['google_redis_instance'];

export const redisRules: Rule[] = [
  {
    id: 'AFPI-REDIS-1',
    statement: 'Memorystore Redis outside dev has no replica (tier is not STANDARD_HA)',
    fix: 'set tier = "STANDARD_HA"',
    resourceTypes: REDIS,
    appliesTo: outsideDev,
    check: (a) => a.tier === 'STANDARD_HA',
  },
  {
    id: 'AFPI-REDIS-2',
    statement: 'Memorystore Redis accepts clients without AUTH',
    fix: 'set auth_enabled = true and hand the AUTH string to clients from Secret Manager',
    resourceTypes: REDIS,
    check: (a) => isTrue(a.auth_enabled),
  },
  {
    id: 'AFPI-REDIS-3',
    statement: 'Memorystore Redis traffic is not encrypted in transit',
    fix: 'set transit_encryption_mode = "SERVER_AUTHENTICATION"',
    resourceTypes: REDIS,
    check: (a) => a.transit_encryption_mode === 'SERVER_AUTHENTICATION',
  },
  {
    id: 'AFPI-REDIS-4',
    statement: 'Memorystore Redis is not connected through private services access',
    fix: 'set connect_mode = "PRIVATE_SERVICE_ACCESS" and authorized_network to the VPC',
    resourceTypes: REDIS,
    check: (a) => a.connect_mode === 'PRIVATE_SERVICE_ACCESS',
  },
];
