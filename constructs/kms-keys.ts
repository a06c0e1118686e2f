import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { KmsKeyRing } from '@cdktf/provider-google/lib/kms-key-ring';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Grantee } from './grantee';

/** 90 days, the rotation period the platform's key policy asks for. */
export const KEY_ROTATION_PERIOD = '7776000s';

export interface KeyRingProps {
  readonly name: string;
  /** Region of the ring; CMEK keys must sit in the region of the resource they encrypt. */
  readonly location: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** A regional key ring. Key rings and keys cannot be deleted in GCP; Terraform only forgets them. */
export class KeyRing extends Construct {
  readonly keyRing: KmsKeyRing;
  readonly location: string;

  constructor(scope: Construct, id: string, props: KeyRingProps) {
    super(scope, id);
    this.location = props.location;
    this.keyRing = new KmsKeyRing(this, 'ring', {
      name: props.name,
      location: props.location,
      dependsOn: props.dependsOn,
    });
  }

  /** Adds a symmetric ENCRYPT_DECRYPT key with 90-day rotation, protected from `terraform destroy`. */
  addKey(name: string): KmsKey {
    return new KmsKey(this, name, { keyRing: this.keyRing.id, name, location: this.location });
  }
}

export interface KmsKeyProps {
  /** Key ring id. */
  readonly keyRing: string;
  readonly name: string;
  /** The ring's location (names grant resources). */
  readonly location: string;
}

/** A CMEK key; users get `roles/cloudkms.cryptoKeyEncrypterDecrypter` on this key only. */
export class KmsKey extends Construct {
  readonly key: KmsCryptoKey;
  readonly location: string;

  constructor(scope: Construct, id: string, props: KmsKeyProps) {
    super(scope, id);
    this.location = props.location;
    this.key = new KmsCryptoKey(this, 'key', {
      name: props.name,
      keyRing: props.keyRing,
      purpose: 'ENCRYPT_DECRYPT',
      rotationPeriod: KEY_ROTATION_PERIOD,
      versionTemplate: { algorithm: 'GOOGLE_SYMMETRIC_ENCRYPTION', protectionLevel: 'SOFTWARE' },
      // Destroying a key destroys every byte it encrypts.
      lifecycle: { preventDestroy: true },
    });
  }

  /** The key's id (`projects/.../cryptoKeys/<name>`), as CMEK fields take it. */
  get id(): string {
    return this.key.id;
  }

  /** Lets `grantee` (typically a Google service agent) encrypt and decrypt with this key. */
  grantEncryptDecrypt(grantee: Grantee): KmsCryptoKeyIamMember {
    return new KmsCryptoKeyIamMember(
      grantee.grantScope,
      `${grantee.grantId}-encrypts-${this.node.id}-${this.location}`,
      {
        cryptoKeyId: this.key.id,
        role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
        member: grantee.member,
      },
    );
  }
}
