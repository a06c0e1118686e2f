import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { listEnvironments } from '../config/load';
import { repoRoot } from '../config/paths';
import { DEPLOY_LIST, deployableEnvironments, deployListProblems } from '../scripts/environments';

const workflow = (name: string) =>
  parse(fs.readFileSync(path.join(repoRoot, '.github', 'workflows', name), 'utf8')) as {
    jobs: Record<string, { steps?: { run?: string; id?: string }[]; strategy?: Record<string, unknown> }>;
  };

describe('the environments CI plans and deploys (.github/environments.json)', () => {
  it('lists environments that exist, each once, in promotion order', () => {
    const list = deployableEnvironments();
    expect(list.slice(0, 3)).toEqual(['dev', 'staging', 'prod'].filter((e) => list.includes(e)));
    // A new environment file not yet listed is CI's to flag (plan.yml runs environments.js --check), not npm test's.
    expect(deployListProblems(list, listEnvironments()).filter((p) => !p.startsWith('config/'))).toEqual([]);
  });

  it('names an environment file the list leaves out, a listed environment without a file, and a duplicate', () => {
    expect(deployListProblems(['dev', 'dev', 'gone'], ['dev', 'qa'])).toEqual([
      '.github/environments.json: "dev" is listed twice. Fix: keep one entry',
      '.github/environments.json: "gone" has no config/environments/gone.yaml. Fix: add the file or remove the entry',
      'config/environments/qa.yaml: "qa" is not in .github/environments.json, so CI neither plans nor deploys it. Fix: add it where it belongs in the promotion order (dev -> dev -> gone)',
    ]);
  });

  it('rejects a list file that is not a JSON list of names', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'envlist-')), 'environments.json');
    fs.writeFileSync(file, '{"dev": 1}');
    expect(() => deployableEnvironments(file)).toThrow(/is not a list of environment names. Fix: write/);
    expect(DEPLOY_LIST).toBe(path.join(repoRoot, '.github', 'environments.json'));
  });

  it('is where plan.yml and deploy.yml take their environments from, checked against the folder', () => {
    const plan = workflow('plan.yml');
    const check = plan.jobs.checks.steps!.find((s) => s.id === 'environments');
    expect(check?.run).toContain('node dist/scripts/environments.js --check');
    expect(plan.jobs.plan.strategy?.matrix).toEqual({
      env: '${{ fromJSON(needs.checks.outputs.environments) }}',
    });
    const deploy = workflow('deploy.yml');
    expect(deploy.jobs.environments.steps!.map((s) => s.run ?? '').join('\n')).toContain(
      '.github/environments.json',
    );
    expect(deploy.jobs.deploy.strategy).toEqual({
      'max-parallel': 1,
      'fail-fast': true,
      matrix: { env: '${{ fromJSON(needs.environments.outputs.list) }}' },
    });
  });
});
