import { loadEnvironment } from '../config/load';
import { problemsOf } from './support/env-files';

const DEV = 'config/environments/dev.yaml';

describe('cloudRun config', () => {
  it('seeds the services from the tier and lets dev scale to zero', () => {
    const prod = loadEnvironment('prod').config.cloudRun;
    const staging = loadEnvironment('staging').config.cloudRun;
    expect(staging.frontend).toEqual(
      expect.objectContaining({ cpu: 1, memoryGiB: 1, minInstances: 1, maxInstances: 10, concurrency: 800 }),
    );
    expect(staging.backend).toEqual(
      expect.objectContaining({ cpu: 2, memoryGiB: 2, minInstances: 1, maxInstances: 10, concurrency: 400 }),
    );
    expect(prod.backend).toEqual(expect.objectContaining({ minInstances: 2, maxInstances: 30 }));
    expect(loadEnvironment('dev').config.cloudRun.backend).toEqual(
      expect.objectContaining({ cpu: 1, memoryGiB: 1, minInstances: 0 }),
    );
  });

  it('routes LLM traffic locally only in tiers with the inference stack', () => {
    const share = (tier: string) =>
      loadEnvironment('dev', { tier }).config.cloudRun.llmRouting.localSharePercent;
    expect([share('startup'), share('growth'), share('scale'), share('enterprise')]).toEqual([0, 0, 10, 50]);
  });
});

describe('cloudRun config errors', () => {
  it('rejects an invalid domain', () => {
    expect(problemsOf('dev', { domain: 'https://afpip.com' })).toEqual([
      `${DEV}: domain ("https://afpip.com") is not a domain name. Fix: use a lowercase DNS name such as "afpip.com", without scheme or path`,
    ]);
  });

  it.each(['chat/*', '/chat*', '/chat/*/turns', '/chat?x=1'])('rejects the LLM path %s', (path) => {
    expect(problemsOf('dev', { cloudRun: { llmPaths: [path] } })).toEqual([
      `${DEV}: cloudRun.llmPaths.0 (${JSON.stringify(path)}) is not a URL map path pattern. Fix: start with "/" and put "*" only at the end after a "/", e.g. "/chat/*"; no "?" or "#"`,
    ]);
  });

  it('rejects an empty LLM path list', () => {
    expect(problemsOf('dev', { cloudRun: { llmPaths: [] } })).toEqual([
      `${DEV}: cloudRun.llmPaths is empty. Fix: list the paths of the LLM endpoints (e.g. ["/chat/*"]) or leave the field out`,
    ]);
  });

  it('rejects min instances above max', () => {
    expect(problemsOf('dev', { cloudRun: { backend: { minInstances: 12 } } })).toEqual([
      `${DEV}: cloudRun.backend.minInstances (12) is above maxInstances (3). Fix: lower minInstances or raise maxInstances`,
    ]);
  });

  it("rejects concurrency above Cloud Run's limit", () => {
    expect(problemsOf('dev', { cloudRun: { frontend: { concurrency: 1200 } } })).toEqual([
      `${DEV}: cloudRun.frontend.concurrency (1200) is above Cloud Run's limit of 1000 concurrent requests per instance. Fix: set 1000 or less and let maxInstances absorb the load`,
    ]);
  });

  it('rejects a CPU/memory pair Cloud Run refuses', () => {
    expect(problemsOf('dev', { cloudRun: { backend: { cpu: 4, memoryGiB: 1 } } })).toEqual([
      `${DEV}: cloudRun.backend.memoryGiB (1) is outside the 2-16 GiB Cloud Run allows with 4 CPU. Fix: set memoryGiB within that range or change cpu`,
    ]);
    expect(problemsOf('dev', { cloudRun: { frontend: { memoryGiB: 6 } } })).toEqual([
      `${DEV}: cloudRun.frontend.memoryGiB (6) is outside the 0.5-4 GiB Cloud Run allows with 1 CPU. Fix: set memoryGiB within that range or change cpu`,
    ]);
  });

  it('rejects a CPU count Cloud Run does not offer on gen2', () => {
    expect(problemsOf('dev', { cloudRun: { backend: { cpu: 0.5, memoryGiB: 0.5 } } })).toEqual([
      `${DEV}: cloudRun.backend.cpu (0.5) is not a CPU count Cloud Run offers with the gen2 execution environment. Fix: use one of 1, 2, 4, 6, 8`,
    ]);
  });

  it('rejects a traffic split that does not sum to 100', () => {
    const traffic = [{ revision: 'v1', percent: 80 }, { percent: 10 }];
    expect(problemsOf('dev', { cloudRun: { backend: { traffic } } })).toEqual([
      `${DEV}: cloudRun.backend.traffic (80 + 10 = 90) does not sum to 100. Fix: make the percents add up to 100`,
    ]);
  });

  it('rejects two traffic entries for the same revision', () => {
    const traffic = [{ percent: 50 }, { percent: 50 }];
    expect(problemsOf('dev', { cloudRun: { frontend: { traffic } } })).toEqual([
      `${DEV}: cloudRun.frontend.traffic.1 names the latest revision twice. Fix: merge the two entries`,
    ]);
  });

  it('rejects a revision suffix Cloud Run cannot name', () => {
    expect(problemsOf('dev', { cloudRun: { frontend: { revision: 'V1.2' } } })).toEqual([
      `${DEV}: cloudRun.frontend.revision ("V1.2") is not a revision suffix. Fix: up to 40 lowercase letters, digits and "-", such as "v1-4-2"`,
    ]);
  });

  it('rejects an image without tag or digest', () => {
    expect(problemsOf('dev', { cloudRun: { frontend: { image: 'frontend' } } })).toEqual([
      `${DEV}: cloudRun.frontend.image ("frontend") is not an image with a tag or digest. Fix: use "<name>:<tag>" or "<name>@sha256:<digest>" (in the stack's Artifact Registry repository) or a full "<host>/<path>:<tag>"`,
    ]);
  });

  it('rejects a local LLM share outside 0-100', () => {
    expect(problemsOf('dev', { cloudRun: { llmRouting: { localSharePercent: 120 } } })).toEqual([
      `${DEV}: cloudRun.llmRouting.localSharePercent (120) is outside 0-100. Fix: set the percent of LLM requests that go to the local models, 0-100`,
    ]);
  });

  it('rejects a local LLM share in a tier without the inference stack', () => {
    expect(
      problemsOf('dev', { cloudRun: { llmRouting: { localSharePercent: 10 } } }, { tier: 'growth' }),
    ).toEqual([
      `${DEV}: cloudRun.llmRouting.localSharePercent (10) is above 0 but tier growth has no inference stack to serve it. Fix: set 0, or use a tier with local models (scale, enterprise)`,
    ]);
  });

  it('rejects an empty API fallback while traffic goes to the APIs', () => {
    expect(problemsOf('dev', { cloudRun: { llmRouting: { apiFallbackOrder: [] } } })).toEqual([
      `${DEV}: cloudRun.llmRouting.apiFallbackOrder is empty while 90 % of LLM requests go to external APIs. Fix: list at least one of xai, openai`,
    ]);
  });

  it('rejects a fallback API without its key secret', () => {
    const secrets = [
      { id: 'xai-api-key', description: 'X.AI' },
      { id: 'hf-token', description: 'Hugging Face' },
    ];
    expect(problemsOf('dev', { data: { secrets } })).toEqual([
      `${DEV}: cloudRun.llmRouting.apiFallbackOrder.1 ("openai") has no "openai-api-key" secret for its key. Fix: add {id: openai-api-key} to data.secrets or drop the API`,
    ]);
  });

  it('rejects a default TTL above the max TTL', () => {
    expect(
      problemsOf('dev', { cloudRun: { cdn: { defaultTtlSeconds: 7200, maxTtlSeconds: 3600 } } }),
    ).toEqual([
      `${DEV}: cloudRun.cdn.defaultTtlSeconds (7200) is above maxTtlSeconds (3600). Fix: lower defaultTtlSeconds or raise maxTtlSeconds`,
    ]);
  });
});
