import { block, isTrue, Rule } from '../rule';

const BUCKET = ['google_storage_bucket'];

export const bucketRules: Rule[] = [
  {
    id: 'AFPI-GCS-1',
    statement: 'Bucket allows per-object ACLs (uniform bucket-level access off)',
    fix: 'set uniform_bucket_level_access = true (SecureBucket does)',
    resourceTypes: BUCKET,
    check: (a) => isTrue(a.uniform_bucket_level_access),
  },
  {
    id: 'AFPI-GCS-2',
    statement: 'Bucket can be made public (public access prevention not enforced)',
    fix: 'set public_access_prevention = "enforced" (SecureBucket does)',
    resourceTypes: BUCKET,
    check: (a) => a.public_access_prevention === 'enforced',
  },
  {
    id: 'AFPI-GCS-3',
    statement: 'Bucket keeps no object versions',
    fix: 'set versioning.enabled = true with a lifecycle rule bounding noncurrent versions (SecureBucket does)',
    resourceTypes: BUCKET,
    check: (a) => isTrue(block(a.versioning).enabled),
  },
  {
    id: 'AFPI-GCS-4',
    statement: 'Bucket has force_destroy on (terraform destroy deletes every object)',
    fix: 'remove force_destroy or set it to false',
    resourceTypes: BUCKET,
    check: (a) => !isTrue(a.force_destroy),
  },
];
