import { loadEnvironment } from '../config/load';
import { timingBudget } from '../inference/timing-budget';
import {
  mergeValues,
  placeModels,
  readValuesFile,
  VLLM_CHART_PROGRESS_DEADLINE_SECONDS,
  vllmOverrides,
  VLLM_CHART,
} from '../inference/values';
import { chartPackage, leafPaths, readTgz, unreadPaths, valuesReads } from '../scripts/chart-contract';

// The values contract of the upstream vllm-stack chart, read from its published package (offline): every key
// path our generated values set must be read by a template, so a misspelled or moved key fails here.

const version = loadEnvironment('prod').config.inference!.vllmChartVersion;
const files = readTgz(chartPackage(VLLM_CHART, version));
const templates = new Map([...files].filter(([name]) => name.startsWith(`${VLLM_CHART}/templates/`)));
const reads = valuesReads(templates);

/** The values document the vllm release of `env` receives (file + overrides), with `modelCache` set. */
function generated(env: string, modelCache: 'gcsfuse' | 'pvc') {
  const config = loadEnvironment(env).config;
  const inference = { ...config.inference!, modelCache };
  const placed = placeModels(inference, config.gke, config.region);
  return mergeValues(
    readValuesFile('vllm-stack.yaml'),
    vllmOverrides(placed, {
      inference,
      autopilot: false,
      serviceAccountName: 'vllm',
      modelBucketName: 'bucket',
      hfTokenSecretVersion: 'projects/p/secrets/hf-token/versions/latest',
      loadBalancerIp: '10.10.0.50',
      clientRanges: ['10.8.0.0/28'],
      timing: timingBudget(),
      apiKey: { secretName: 'inference-api-key', secretKey: 'api-key' },
    }),
  );
}

describe(`values contract of ${VLLM_CHART} ${version} (read from the package)`, () => {
  it('reads the templates out of the .tgz', () => {
    expect(files.get(`${VLLM_CHART}/Chart.yaml`)).toContain(`version: ${version}`);
    expect(templates.size).toBeGreaterThan(20);
  });

  it.each([
    ['dev', 'gcsfuse'],
    ['prod', 'gcsfuse'],
    ['prod', 'pvc'],
  ] as const)('every key path of the %s values (%s cache) is read by a template', (env, cache) => {
    const values = generated(env, cache);
    expect(leafPaths(values).length).toBeGreaterThan(60);
    expect(unreadPaths(values, reads)).toEqual([]);
  });

  it('fails a misspelled key and a key moved to the wrong level', () => {
    const values = generated('dev', 'gcsfuse') as { servingEngineSpec: Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
    values.servingEngineSpec.modelSpec[0].vllmConfig.tensorParalelSize = 1;
    values.servingEngineSpec.requestGPU = 1;
    values.servingEngineSpec.startupProbe.initialDelay = 5;
    expect(unreadPaths(values, reads)).toEqual([
      'servingEngineSpec.modelSpec[].vllmConfig.tensorParalelSize',
      'servingEngineSpec.startupProbe.initialDelay',
      'servingEngineSpec.requestGPU',
    ]);
  });

  it('renders no nodeSelector for the engines: vLLM selects its compute class by node affinity (docs/inference.md)', () => {
    // When a chart version renders one, select the class with nodeSelector as GKE documents it (review s18a #3).
    const deployment = templates.get(`${VLLM_CHART}/templates/deployment-vllm-multi.yaml`)!;
    expect(deployment).not.toMatch(/^\s*nodeSelector:/m);
    expect(deployment).toContain('$modelSpec.nodeSelectorTerms');
  });

  it("matches the chart's fixed progress deadline to the timing budget (the chart has no value for it)", () => {
    const deployment = templates.get(`${VLLM_CHART}/templates/deployment-vllm-multi.yaml`)!;
    const fixed = Number(/progressDeadlineSeconds: (\d+)/.exec(deployment)![1]);
    expect(fixed).toBe(VLLM_CHART_PROGRESS_DEADLINE_SECONDS);
    expect(timingBudget(600, VLLM_CHART_PROGRESS_DEADLINE_SECONDS).progressDeadlineSeconds).toBe(fixed);
  });
});
