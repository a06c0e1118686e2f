import { BinaryAuthorizationAttestor } from '@cdktf/provider-google/lib/binary-authorization-attestor';
import { BinaryAuthorizationAttestorIamMember } from '@cdktf/provider-google/lib/binary-authorization-attestor-iam-member';
import { ContainerAnalysisNote } from '@cdktf/provider-google/lib/container-analysis-note';
import { ContainerAnalysisNoteIamMember } from '@cdktf/provider-google/lib/container-analysis-note-iam-member';
import { DataGoogleKmsCryptoKeyVersion } from '@cdktf/provider-google/lib/data-google-kms-crypto-key-version';
import { KmsCryptoKey } from '@cdktf/provider-google/lib/kms-crypto-key';
import { KmsCryptoKeyIamMember } from '@cdktf/provider-google/lib/kms-crypto-key-iam-member';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { Grantee } from './grantee';

/** The signature algorithm of the attestor's key (the one Binary Authorization's KMS examples use). */
export const ATTESTATION_ALGORITHM = 'EC_SIGN_P256_SHA256';

export interface ImageAttestorProps {
  /** Project of the attestor and its note. */
  readonly projectId: string;
  /** Attestor id; the note and the signing key are named after it. */
  readonly name: string;
  /** Key ring id of the signing key. */
  readonly keyRing: string;
  /**
   * Where the private key lives. HSM: it never leaves FIPS 140-2 level 3 hardware, for about a dollar a month
   * more than SOFTWARE (a stolen signing key admits any image). @default "HSM"
   */
  readonly protectionLevel?: 'HSM' | 'SOFTWARE';
  /** The Binary Authorization, Container Analysis and KMS APIs. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Binary Authorization attestor backed by a Cloud KMS asymmetric signing key: the Container Analysis note
 * (the attestation authority every attestation links to), the key (ASYMMETRIC_SIGN, version 1 created with it)
 * and the attestor holding version 1's public key. Signers sign with
 * `gcloud beta container binauthz attestations sign-and-create --attestor=<attestorName> --keyversion=<keyVersionName>`
 * (beta only: the GA group has no sign-and-create).
 */
export class ImageAttestor extends Construct {
  readonly note: ContainerAnalysisNote;
  readonly signingKey: KmsCryptoKey;
  /** Version 1 of the signing key (its public key is read once KMS has generated it). */
  readonly keyVersion: DataGoogleKmsCryptoKeyVersion;
  readonly attestor: BinaryAuthorizationAttestor;
  /**
   * `projects/<project>/attestors/<name>`, as policies and `--attestor` take it. A literal, not the resource's id:
   * the provider plans a set of attestors holding an unknown value as empty, which would hide it from review.
   */
  readonly attestorName: string;

  constructor(scope: Construct, id: string, props: ImageAttestorProps) {
    super(scope, id);
    this.attestorName = `projects/${props.projectId}/attestors/${props.name}`;
    this.note = new ContainerAnalysisNote(this, 'note', {
      project: props.projectId,
      name: `${props.name}-attestations`,
      shortDescription: 'Attestations of images released by the AFPI deploy workflow',
      attestationAuthority: { hint: { humanReadableName: props.name } },
      dependsOn: props.dependsOn,
    });
    this.signingKey = new KmsCryptoKey(this, 'key', {
      name: `${props.name}-attestor`,
      keyRing: props.keyRing,
      purpose: 'ASYMMETRIC_SIGN',
      // No rotation_period: KMS does not rotate asymmetric keys (a new version needs a new attestor key entry).
      versionTemplate: { algorithm: ATTESTATION_ALGORITHM, protectionLevel: props.protectionLevel ?? 'HSM' },
      // The attestations already made verify against this key.
      lifecycle: { preventDestroy: true },
      dependsOn: props.dependsOn,
    });
    // The provider waits while the version is PENDING_GENERATION; on a fresh project it is read at apply.
    this.keyVersion = new DataGoogleKmsCryptoKeyVersion(this, 'version', {
      cryptoKey: this.signingKey.id,
      version: 1,
    });
    this.attestor = new BinaryAuthorizationAttestor(this, 'attestor', {
      project: props.projectId,
      name: props.name,
      description: 'AFPI: images the deploy workflow released',
      attestationAuthorityNote: {
        noteReference: this.note.name,
        publicKeys: [
          {
            // `//cloudkms.googleapis.com/v1/<version name>`: the id sign-and-create writes into each attestation.
            id: this.keyVersion.id,
            pkixPublicKey: {
              publicKeyPem: this.keyVersion.publicKey.get(0).pem,
              signatureAlgorithm: this.keyVersion.publicKey.get(0).algorithm,
            },
          },
        ],
      },
      dependsOn: props.dependsOn,
    });
  }

  /** The key version's resource name, as `--keyversion` takes it. */
  get keyVersionName(): string {
    return this.keyVersion.name;
  }

  /**
   * Lets `grantee` attest images: sign with the key, attach occurrences to the note, list the note's occurrences
   * (`attestations list --attestor`, how the signer skips what is attested already), read the attestor. Creating
   * the occurrences themselves needs containeranalysis.occurrences.create on the project.
   */
  grantSign(grantee: Grantee): void {
    new KmsCryptoKeyIamMember(grantee.grantScope, `${grantee.grantId}-signs-with-${this.node.id}`, {
      cryptoKeyId: this.signingKey.id,
      role: 'roles/cloudkms.signerVerifier',
      member: grantee.member,
    });
    new ContainerAnalysisNoteIamMember(grantee.grantScope, `${grantee.grantId}-attaches-to-${this.node.id}`, {
      note: this.note.name,
      role: 'roles/containeranalysis.notes.attacher',
      member: grantee.member,
    });
    new ContainerAnalysisNoteIamMember(grantee.grantScope, `${grantee.grantId}-lists-${this.node.id}`, {
      note: this.note.name,
      role: 'roles/containeranalysis.notes.occurrences.viewer',
      member: grantee.member,
    });
    this.grantView(grantee);
  }

  /** Lets `grantee` read the attestor and the key's public key (what refreshing this construct reads). */
  grantRead(grantee: Grantee): void {
    new KmsCryptoKeyIamMember(grantee.grantScope, `${grantee.grantId}-reads-${this.node.id}-public-key`, {
      cryptoKeyId: this.signingKey.id,
      role: 'roles/cloudkms.publicKeyViewer',
      member: grantee.member,
    });
    this.grantView(grantee);
  }

  private grantView(grantee: Grantee): void {
    new BinaryAuthorizationAttestorIamMember(grantee.grantScope, `${grantee.grantId}-views-${this.node.id}`, {
      attestor: this.attestor.name,
      role: 'roles/binaryauthorization.attestorsViewer',
      member: grantee.member,
    });
  }
}
