import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { parse } from 'yaml';

/**
 * The deploy workflow's attest step, run for real by bash against stub `gcloud` and `terraform` that behave like
 * the installed SDK where it matters: sign-and-create exists only in the beta track, and a prompt reads stdin.
 */
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}

const workflow = parse(readFileSync('.github/workflows/deploy-env.yml', 'utf8')) as {
  jobs: Record<string, { steps: Step[] }>;
};
const applySteps = workflow.jobs.apply.steps;
const attestStep = applySteps.find((step) => step.name === 'attest our release images')!;

const IMAGES = [
  'us-docker.pkg.dev/afpi-production/afpi/frontend:0.1.0',
  'us-docker.pkg.dev/afpi-production/afpi/backend:0.1.0',
];
const ATTESTOR = 'projects/afpi-production/attestors/afpi-ci';
const KEY_VERSION =
  'projects/afpi-production/locations/us-central1/keyRings/afpi/cryptoKeys/afpi-ci-attestor/cryptoKeyVersions/1';

// Logs every call; attestations are lines of attested.txt. A failed validation prompts (reads stdin).
const GCLOUD = `#!/bin/bash
echo "$*" >> "$STUB_DIR/gcloud.log"
case "$*" in
  "artifacts docker images describe "*) echo "sha256:$(echo "$5" | sha256sum | cut -c1-64)";;
  "container binauthz attestations list "*)
    url=$(printf '%s\\n' "$@" | sed -n 's/^--artifact-url=//p')
    [ -n "$LIST_FAILS" ] && { echo "ERROR: PERMISSION_DENIED: containeranalysis.notes.listOccurrences" >&2; exit 1; }
    grep -qxF "$url" "$STUB_DIR/attested.txt" 2>/dev/null && echo "projects/p/occurrences/1" || true;;
  "container binauthz attestations sign-and-create "*)
    echo "ERROR: (gcloud.container.binauthz.attestations) Invalid choice: 'sign-and-create'." >&2; exit 2;;
  "beta container binauthz attestations sign-and-create "*)
    if [ -n "$NOT_VALID" ]; then
      echo "WARNING: Attestation could not be validated! (wrong key)" >&2
      read -r answer || true
    fi
    printf '%s\\n' "$@" | sed -n 's/^--artifact-url=//p' >> "$STUB_DIR/attested.txt";;
  *) echo "unexpected gcloud $*" >&2; exit 3;;
esac
`;
const TERRAFORM = `#!/bin/bash
echo "$*" >> "$STUB_DIR/terraform.log"
case "$*" in
  *" init "*) ;;
  *" output -json") [ -n "$OUTPUT_FAILS" ] && { echo "Error: Failed to load state: 403" >&2; exit 1; }; printf '%s' "$OUTPUTS";;
  *) echo "unexpected terraform $*" >&2; exit 3;;
esac
`;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
  gcloud: string[];
  attested: string[];
}

/** `repository@digest` as the stub's `images describe` resolves `image`. */
function byDigest(image: string): string {
  return `${image.replace(/:[^/]*$/, '')}@sha256:${createHash('sha256').update(`${image}\n`).digest('hex')}`;
}

function runAttestStep(env: Record<string, string> = {}, attested: string[] = []): Run {
  const dir = mkdtempSync(join(tmpdir(), 'afpi-attest-'));
  try {
    mkdirSync(join(dir, 'bin'));
    mkdirSync(join(dir, 'dist/scripts'), { recursive: true });
    writeFileSync(join(dir, 'attested.txt'), attested.map((line) => `${line}\n`).join(''));
    writeFileSync(join(dir, 'bin/gcloud'), GCLOUD);
    writeFileSync(join(dir, 'bin/terraform'), TERRAFORM);
    chmodSync(join(dir, 'bin/gcloud'), 0o755);
    chmodSync(join(dir, 'bin/terraform'), 0o755);
    writeFileSync(
      join(dir, 'dist/scripts/attested-images.js'),
      `for (const i of ${JSON.stringify(IMAGES)}) console.log(i);`,
    );
    // GitHub runs `run:` with `bash -e {0}`.
    const result = spawnSync('bash', ['-e', '-c', attestStep.run!], {
      cwd: dir,
      encoding: 'utf8',
      env: {
        PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
        STUB_DIR: dir,
        OUTPUTS: JSON.stringify({
          attestor: { value: ATTESTOR },
          attestation_key_version: { value: KEY_VERSION },
        }),
        ...env,
      },
    });
    const read = (file: string) => {
      try {
        return readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
      } catch {
        return [];
      }
    };
    return { ...result, gcloud: read('gcloud.log'), attested: read('attested.txt') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('deploy workflow: attest our release images', () => {
  it('installs the beta component where the apply job signs', () => {
    const setup = applySteps.find((step) => step.uses?.startsWith('google-github-actions/setup-gcloud@'))!;
    expect(setup.with!.install_components.split(',')).toEqual(
      expect.arrayContaining(['gke-gcloud-auth-plugin', 'beta']),
    );
    expect(applySteps.indexOf(setup)).toBeLessThan(applySteps.indexOf(attestStep));
  });

  it('signs every image by digest with the beta command, non-interactively', () => {
    const run = runAttestStep();
    expect(run.stderr).not.toMatch(/Invalid choice|unexpected/);
    expect(run.status).toBe(0);
    expect(run.attested).toEqual(IMAGES.map(byDigest));
    const signs = run.gcloud.filter((call) => call.includes('sign-and-create'));
    expect(signs).toHaveLength(2);
    for (const call of signs) {
      expect(call).toMatch(/^beta container binauthz attestations sign-and-create /);
      expect(call).toContain(`--attestor=${ATTESTOR}`);
      expect(call).toContain(`--keyversion=${KEY_VERSION}`);
      expect(call).toContain('--quiet');
      expect(call).toContain('--validate');
    }
  });

  it('skips digests already attested', () => {
    const run = runAttestStep({}, [byDigest(IMAGES[1])]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${byDigest(IMAGES[1])}: already attested`);
    const signs = run.gcloud.filter((call) => call.includes('sign-and-create'));
    expect(signs).toEqual([expect.stringContaining(`--artifact-url=${byDigest(IMAGES[0])} `)]);
  });

  it('fails on a failed validation instead of letting the prompt swallow the next images', () => {
    const run = runAttestStep({ NOT_VALID: '1' });
    expect(run.status).not.toBe(0);
    expect(run.stdout).toContain('::error::');
    expect(run.stdout).toContain('does not verify against');
    // The prompt got /dev/null, not the list: the loop stopped at the bad image, nothing was read past it.
    expect(run.attested).toHaveLength(1);
  });

  it('fails when listing attestations fails (no re-signing on a 403)', () => {
    const run = runAttestStep({ LIST_FAILS: '1' });
    expect(run.status).not.toBe(0);
    expect(run.gcloud.filter((call) => call.includes('sign-and-create'))).toHaveLength(0);
  });

  it('skips only when the data stack has no attestor outputs yet', () => {
    const absent = runAttestStep({ OUTPUTS: JSON.stringify({ redis_port: { value: 6379 } }) });
    expect(absent.status).toBe(0);
    expect(absent.stdout).toContain('::notice::no attestor yet');
    expect(absent.gcloud).toEqual([]);
  });

  it('fails on a terraform output error', () => {
    const run = runAttestStep({ OUTPUT_FAILS: '1' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('Failed to load state');
    expect(run.gcloud).toEqual([]);
  });
});
