/**
 * The environments CI plans and deploys, in promotion order, read from `.github/environments.json` (the one
 * place that lists them; plan.yml and deploy.yml build their matrices from it). `--check` also fails when the
 * list and `config/environments/` disagree, so a new environment file is never left out of CI unnoticed.
 * Prints the list as JSON on stdout (for `$GITHUB_OUTPUT`); problems go to stderr with exit code 1.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ENVIRONMENTS_DIR, listEnvironments } from '../config/load';
import { repoRoot } from '../config/paths';

export const DEPLOY_LIST = path.join(repoRoot, '.github', 'environments.json');

/** The deploy list; throws with the file and the fix when it is not a JSON list of names. */
export function deployableEnvironments(file = DEPLOY_LIST): string[] {
  const where = path.relative(repoRoot, file);
  let list: unknown;
  try {
    list = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${where}: cannot be read as JSON (${(err as Error).message}). Fix: write ["dev", ...]`);
  }
  if (!Array.isArray(list) || !list.every((e) => typeof e === 'string')) {
    throw new Error(`${where}: is not a list of environment names. Fix: write ["dev", "staging", "prod"]`);
  }
  return list;
}

/** Every way the deploy list and the environment files disagree, one line each with its fix. */
export function deployListProblems(list: string[], files: string[], listFile = DEPLOY_LIST): string[] {
  const where = path.relative(repoRoot, listFile);
  const dir = path.relative(repoRoot, ENVIRONMENTS_DIR);
  const problems: string[] = [];
  for (const env of list.filter((e, i) => list.indexOf(e) !== i)) {
    problems.push(`${where}: "${env}" is listed twice. Fix: keep one entry`);
  }
  for (const env of list.filter((e) => !files.includes(e))) {
    problems.push(`${where}: "${env}" has no ${dir}/${env}.yaml. Fix: add the file or remove the entry`);
  }
  for (const env of files.filter((e) => !list.includes(e))) {
    problems.push(
      `${dir}/${env}.yaml: "${env}" is not in ${where}, so CI neither plans nor deploys it. ` +
        `Fix: add it where it belongs in the promotion order (${list.join(' -> ')})`,
    );
  }
  return problems;
}

if (require.main === module) {
  try {
    const list = deployableEnvironments();
    const problems = process.argv.includes('--check') ? deployListProblems(list, listEnvironments()) : [];
    if (problems.length > 0) {
      console.error(problems.join('\n'));
      process.exitCode = 1;
    } else {
      console.log(JSON.stringify(list));
    }
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  }
}
