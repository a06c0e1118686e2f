import { z } from 'zod';
import { show } from '../rules';

/** A Binary Authorization allowlist entry: `registry/path/to/image`, trailing `*` or `**` only after the registry. */
const namePattern = z.string().regex(/^[a-z0-9.-]+(:[0-9]+)?\/[^*\s]*(\*\*?)?$/, {
  error: (issue) =>
    `(${show(issue.input)}) is not an image name pattern. Fix: write "registry/path/to/image", optionally ending in "*" (one segment) or "**" (subpaths)`,
});

const binaryAuthorizationSchema = z.strictObject({
  /**
   * `enforce` blocks images the policy does not admit; `dry-run` admits them and writes the verdict to the audit
   * log (read it before enforcing). @default "enforce"
   */
  mode: z.enum(['enforce', 'dry-run']).default('enforce'),
  /**
   * Images admitted beside ours (the stack's Artifact Registry repository, the engine images through the
   * registry mirrors, the GKE add-ons we deploy and Google's system images). @default []
   */
  allowlist: z.array(namePattern).default([]),
});

export const securitySection = z.strictObject({
  /** The project's Binary Authorization policy (data stack): which images Cloud Run and GKE may run. */
  binaryAuthorization: binaryAuthorizationSchema.prefault({}),
});

export type SecurityConfig = z.output<typeof securitySection>;
