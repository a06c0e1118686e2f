import { Rule } from '../rule';

const NINETY_DAYS_S = 90 * 24 * 3600;

export const kmsRules: Rule[] = [
  {
    id: 'AFPI-KMS-1',
    statement: 'KMS encryption key rotates less often than every 90 days',
    fix: 'set rotation_period = "7776000s" (90 days) or shorter',
    resourceTypes: ['google_kms_crypto_key'],
    // Only symmetric keys rotate automatically.
    appliesTo: (a) => (a.purpose ?? 'ENCRYPT_DECRYPT') === 'ENCRYPT_DECRYPT',
    check: (a) => {
      const match = /^(\d+(?:\.\d+)?)s$/.exec(String(a.rotation_period ?? ''));
      return match !== null && Number(match[1]) <= NINETY_DAYS_S;
    },
  },
];
