import { z } from 'zod';
import { show } from '../rules';

/** The GitHub repository whose workflows plan and deploy this environment (Workload Identity Federation). */
const githubSchema = z.strictObject({
  /** `owner/name`; names the deploy workflow in `job_workflow_ref`. */
  repository: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*\/[A-Za-z0-9._-]+$/, {
    error: (issue) => `(${show(issue.input)}) is not a GitHub repository. Fix: use "owner/name"`,
  }),
  /**
   * Numeric repository id (`gh api repos/<owner>/<name> --jq .id`). The trust is on the id, not the name: a
   * deleted or renamed repository's name can be registered again by someone else, its id cannot.
   */
  repositoryId: z.string().regex(/^[0-9]{1,20}$/, {
    error: (issue) =>
      `(${show(issue.input)}) is not a numeric repository id. Fix: quote the number that \`gh api repos/<owner>/<name> --jq .id\` prints, e.g. "123456789"`,
  }),
  /** Only this branch deploys. @default "main" */
  branch: z
    .string()
    .regex(/^[A-Za-z0-9._/-]+$/)
    .default('main'),
  /** The reusable workflow that applies (its job_workflow_ref). @default ".github/workflows/deploy-env.yml" */
  deployWorkflow: z
    .string()
    .regex(/^\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml$/, {
      error: (issue) =>
        `(${show(issue.input)}) is not a workflow file. Fix: use a path like ".github/workflows/deploy-env.yml"`,
    })
    .default('.github/workflows/deploy-env.yml'),
});

/** CI identities and their trust (state stack). */
export const ciSection = z.strictObject({
  /** @default none: no Workload Identity pool, CI cannot sign in (synth says so) */
  github: githubSchema.optional(),
});

export type CiConfig = z.output<typeof ciSection>;

/** What synth says while no repository is trusted. */
export const CI_TRUST_OFF =
  'CI trust (Workload Identity Federation) is OFF: no GitHub repository configured, so no workflow can sign in. Fix: set ci.github.repository ("owner/name") and ci.github.repositoryId (numeric id) in the environment file';

export function ciNotes(config: { ci: CiConfig }): string[] {
  return config.ci.github ? [] : [CI_TRUST_OFF];
}

/** What synth says while only CI identities may use state (the bucket's IAM policy replaces the default one). */
export const STATE_ADMINS_EMPTY =
  'State bucket: stateBucket.adminMembers is empty, so applying the state stack leaves only the CI planner and deployer with access to state objects: the humans who bootstrap (runbook step 2 uploads the state stack\'s state) and run manual steps get 403. Fix: set stateBucket.adminMembers (e.g. ["group:<platform-admins>@<domain>"]) in the environment file before applying the state stack';

export function stateAccessNotes(config: { stateBucket: { adminMembers: readonly string[] } }): string[] {
  return config.stateBucket.adminMembers.length === 0 ? [STATE_ADMINS_EMPTY] : [];
}
