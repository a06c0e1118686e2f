/**
 * What GCP and Kubernetes would reject or get wrong at apply time (issue 19): each test reads the synthesized
 * output of a real environment and fails on the output from before the fix.
 */
import { TerraformStack, Testing } from 'cdktf';
import * as fs from 'fs';
import * as path from 'path';
import { loadEnvironment } from '../config/load';
import { repoRoot } from '../config/paths';
import { RegistryMirrors } from '../constructs/registry-mirrors';
import { timingBudget } from '../inference/timing-budget';
import { placeModels, vllmModelSpec } from '../inference/values';
import { problemsOf } from './support/env-files';
import { resourcesOf, synthEnvironment, SynthesizedStack } from './support/synth';
import { parseYaml } from '../config/parse-yaml';

type Values = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function valuesOf(stack: SynthesizedStack | undefined, name: string): Values {
  const found = resourcesOf(stack, 'helm_release').find((r) => r.name === name);
  if (!found) throw new Error(`no helm_release ${name}`);
  return parseYaml((found.values as string[])[0]) as Values;
}

function extraObject(values: Values, kind: string, name: string): Values {
  const found = (values.extraObjects as Values[]).find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in extraObjects`);
  return found;
}

const PRIMARY_CONNECTOR = '10.8.0.0/28';
const DR_CONNECTOR = '10.8.0.16/28';

describe('apply-time fixes (issue 19)', () => {
  const prod = synthEnvironment('prod');
  const staging = synthEnvironment('staging');
  const dev = synthEnvironment('dev');

  it('1: admits both serving regions of prod to the inference endpoints', () => {
    const vllm = valuesOf(prod.inference, 'vllm');
    expect(
      extraObject(vllm, 'Service', '{{ .Release.Name }}-endpoint').spec.loadBalancerSourceRanges,
    ).toEqual([PRIMARY_CONNECTOR, DR_CONNECTOR]);
    const routerFrom = extraObject(vllm, 'NetworkPolicy', '{{ .Release.Name }}-router').spec.ingress[0].from;
    expect(routerFrom).toEqual(
      expect.arrayContaining([{ ipBlock: { cidr: PRIMARY_CONNECTOR } }, { ipBlock: { cidr: DR_CONNECTOR } }]),
    );
    for (const name of ['tgi-mistral-7b-instruct-v0-2', 'tgi-llama-2-70b-chat']) {
      const tgi = valuesOf(prod.inference, name);
      expect(tgi.service.loadBalancerSourceRanges).toEqual([PRIMARY_CONNECTOR, DR_CONNECTOR]);
      expect(tgi.networkPolicy.allowedCidrs).toEqual([PRIMARY_CONNECTOR, DR_CONNECTOR]);
    }
    // One serving region: only its own connector.
    expect(
      extraObject(valuesOf(dev.inference, 'vllm'), 'Service', '{{ .Release.Name }}-endpoint').spec
        .loadBalancerSourceRanges,
    ).toEqual([PRIMARY_CONNECTOR]);
  });

  it('2: lets Cloud SQL grow its disk without Terraform shrinking it (a forced replacement)', () => {
    const instances = resourcesOf(prod.data, 'google_sql_database_instance');
    expect(instances).toHaveLength(2);
    for (const instance of instances) {
      expect(instance.settings).toEqual(expect.objectContaining({ disk_autoresize: true }));
      expect(instance.lifecycle).toEqual({ ignore_changes: ['settings[0].disk_size'] });
    }
  });

  it('3: reaches the control plane through its DNS endpoint, with IAM', () => {
    const cluster = resourcesOf(prod['gke-gpu'], 'google_container_cluster')[0];
    expect(cluster.control_plane_endpoints_config).toEqual({
      dns_endpoint_config: { allow_external_traffic: true },
    });
    const host = expect.stringMatching(
      /^https:\/\/\$\{data\.google_container_cluster\.[^.]+\.control_plane_endpoints_config\[0\]\.dns_endpoint_config\[0\]\.endpoint\}$/,
    );
    const kubernetes = prod.inference!.provider!.kubernetes[0];
    expect(kubernetes.host).toEqual(host);
    // The DNS endpoint presents a publicly trusted certificate, not one of the cluster CA.
    expect(kubernetes.cluster_ca_certificate).toBeUndefined();
    const helm = prod.inference!.provider!.helm[0].kubernetes as Values;
    expect(helm.host).toEqual(host);
    expect(helm.cluster_ca_certificate).toBeUndefined();
  });

  it('4: names the MySQL IAM user by the full service account email', () => {
    const user = resourcesOf(prod['cloud-run'], 'google_sql_user')[0];
    expect(user.type).toBe('CLOUD_IAM_SERVICE_ACCOUNT');
    expect(user.name).toMatch(
      /^\$\{trimprefix\(google_service_account\.[^.]+\.member, "serviceAccount:"\)\}$/,
    );
  });

  it('5: starts GPU pools at their minimum and upgrades them without a spare GPU node', () => {
    for (const env of [prod, staging]) {
      const pools = resourcesOf(env['gke-gpu'], 'google_container_node_pool');
      const gpu = pools.filter((p) => (p.node_config as Values).guest_accelerator);
      expect(gpu.length).toBeGreaterThan(0);
      for (const pool of gpu) {
        // Minimum 1 over 4 zones: none per zone at creation; the pending engine pod brings up the first node.
        expect(pool.initial_node_count).toBe(0);
        expect(pool.upgrade_settings).toEqual({ strategy: 'SURGE', max_surge: 0, max_unavailable: 1 });
      }
      const cpu = pools.find((p) => p.name === 'cpu')!;
      expect(cpu.upgrade_settings).toEqual({ strategy: 'SURGE', max_surge: 1, max_unavailable: 0 });
    }
    // A node upgrade drains one replica at a time rather than waiting out a PDB no single replica can meet.
    const spec = valuesOf(prod.inference, 'vllm').servingEngineSpec.modelSpec[0];
    expect(spec.pdb).toEqual({ enabled: true, maxUnavailable: 1 });
    expect(valuesOf(prod.inference, 'tgi-llama-2-70b-chat').pdb).toEqual({
      enabled: true,
      maxUnavailable: 1,
    });
  });

  it('6: leaves the engine replica count to the HPA (the chart renders no replicas)', () => {
    for (const spec of valuesOf(prod.inference, 'vllm').servingEngineSpec.modelSpec as Values[]) {
      // vllm-stack 0.1.12 omits `replicas` when keda.enabled; a raySpec key (disabled) keeps its ScaledObject out.
      expect(spec.keda).toEqual({ enabled: true });
      expect(spec.raySpec).toEqual({ enabled: false });
      expect(spec.replicaCount).toBeUndefined();
    }
  });

  it('8: alerts on active instances per region against the per-region maximum', () => {
    const alerts = resourcesOf(prod.observability, 'google_monitoring_alert_policy');
    const atMax = alerts.find((a) => a.display_name === 'Cloud Run service at its maximum instances')!;
    for (const condition of atMax.conditions as Values[]) {
      const threshold = condition.condition_threshold;
      expect(threshold.filter).toContain('metric.label.state="active"');
      expect(threshold.aggregations[0].group_by_fields).toEqual([
        'resource.label.service_name',
        'resource.label.location',
      ]);
    }
  });

  it('9: serves the custom metrics adapter on an unprivileged port', () => {
    const deployment = resourcesOf(prod.inference, 'kubernetes_deployment_v1')[0] as Values;
    const container = deployment.spec.template.spec.container[0];
    expect(container.command).toContain('--secure-port=6443');
    expect(container.security_context.capabilities.drop).toEqual(['ALL']);
    expect(container.port).toEqual([{ name: 'https', container_port: 6443, protocol: 'TCP' }]);
    const service = resourcesOf(prod.inference, 'kubernetes_service_v1')[0] as Values;
    expect(service.spec.port).toEqual([{ port: 443, target_port: 'https', protocol: 'TCP' }]);
    // A private cluster's own firewall rule admits the control plane on tcp:443 and 10250 only.
    const cluster = resourcesOf(prod['gke-gpu'], 'google_container_cluster')[0] as Values;
    const nodes = resourcesOf(prod['gke-gpu'], 'google_compute_firewall') as Values[];
    expect(nodes).toEqual([
      expect.objectContaining({
        direction: 'INGRESS',
        source_ranges: [cluster.private_cluster_config.master_ipv4_cidr_block],
        target_service_accounts: [cluster.node_config.service_account],
        allow: [{ protocol: 'tcp', ports: ['6443'] }],
      }),
    ]);
  });

  it('10: refuses models whose engines x maxReplicas exceed the pool', () => {
    expect(
      problemsOf('staging', {
        inference: {
          models: [{ name: 'mistral-7b-instruct-v0.2', pool: 'gpu-small', precision: 'awq', maxReplicas: 5 }],
        },
      }),
    ).toEqual([
      expect.stringMatching(
        /^config\/environments\/staging\.yaml: inference\.models\.0\.maxReplicas \(5\) needs up to 10 nodes of pool "gpu-small" \(5 x 2 engines, one node per replica\) but the pool allows maxNodes 5\. Fix: /,
      ),
    ]);
  });

  it('drops the maintenance window on the read replica (replicas do not support one)', () => {
    const [primary, replica] = resourcesOf(prod.data, 'google_sql_database_instance') as Values[];
    expect(primary.settings.maintenance_window).toBeDefined();
    expect(replica.master_instance_name).toBeDefined();
    expect(replica.settings.maintenance_window).toBeUndefined();
  });

  it('enables the Filestore API where the model cache is a Filestore volume', () => {
    const services = (env: typeof prod) =>
      resourcesOf(env['gke-gpu'], 'google_project_service').map((s) => s.service);
    expect(services(prod)).toContain('file.googleapis.com');
  });

  it('uses a UCUM annotation for the API cost unit', () => {
    const metrics = resourcesOf(prod.observability, 'google_logging_metric') as Values[];
    const cost = metrics.find((m) => m.name === 'afpi/llm_api_cost_usd')!;
    expect(cost.metric_descriptor.unit).toBe('{USD}');
  });

  it('pulls the engine and router images through Artifact Registry remote repositories', () => {
    const remotes = resourcesOf(prod.inference, 'google_artifact_registry_repository') as Values[];
    expect(remotes.map((r) => [r.repository_id, r.location, r.mode, r.remote_repository_config])).toEqual([
      [
        'docker-hub',
        'us-central1',
        'REMOTE_REPOSITORY',
        expect.objectContaining({ docker_repository: { public_repository: 'DOCKER_HUB' } }),
      ],
      [
        'ghcr',
        'us-central1',
        'REMOTE_REPOSITORY',
        expect.objectContaining({ docker_repository: { custom_repository: { uri: 'https://ghcr.io' } } }),
      ],
    ]);
    const registry = 'us-central1-docker.pkg.dev/afpi-production';
    const vllm = valuesOf(prod.inference, 'vllm');
    for (const spec of vllm.servingEngineSpec.modelSpec as Values[]) {
      expect(spec.repository).toBe(`${registry}/docker-hub/vllm/vllm-openai`);
    }
    expect(vllm.routerSpec.repository).toBe(`${registry}/docker-hub/lmcache/lmstack-router`);
    expect(valuesOf(prod.inference, 'tgi-llama-2-70b-chat').image.repository).toBe(
      `${registry}/ghcr/huggingface/text-generation-inference`,
    );
  });

  it('maps image references onto the mirrors, leaving other registries alone', () => {
    const stack = new TerraformStack(Testing.app(), 'fixture');
    const mirrors = new RegistryMirrors(stack, 'mirrors', { projectId: 'p-1', location: 'us-east1' });
    const at = 'us-east1-docker.pkg.dev/p-1';
    expect(mirrors.imageUrl('vllm/vllm-openai:v1')).toBe(`${at}/docker-hub/vllm/vllm-openai:v1`);
    expect(mirrors.imageUrl('busybox:1.36')).toBe(`${at}/docker-hub/library/busybox:1.36`);
    expect(mirrors.imageUrl('docker.io/busybox:1.36')).toBe(`${at}/docker-hub/library/busybox:1.36`);
    expect(mirrors.imageUrl('docker.io/org/x@sha256:ab')).toBe(`${at}/docker-hub/org/x@sha256:ab`);
    expect(mirrors.imageUrl('ghcr.io/org/x:2')).toBe(`${at}/ghcr/org/x:2`);
    expect(mirrors.imageUrl('gcr.io/gke-release/x:1')).toBe('gcr.io/gke-release/x:1');
    expect(mirrors.imageUrl('localhost:5000/x:1')).toBe('localhost:5000/x:1');
  });

  it('lets vLLM pick awq_marlin for AWQ on Ampere and later, keeps awq on T4', () => {
    // prod serves both AWQ models on Ampere and later (L4, A100).
    for (const spec of valuesOf(prod.inference, 'vllm').servingEngineSpec.modelSpec as Values[]) {
      expect(spec.vllmConfig.extraArgs).not.toContain('--quantization');
    }
    // The same model on a T4 pool (vLLM runs there, TGI does not: catalog/engines.ts) keeps the flag.
    const { config } = loadEnvironment('prod');
    const [mistral] = placeModels(config.inference!, config.gke, config.region);
    const onT4 = vllmModelSpec(
      { ...mistral, pool: { ...mistral.pool, gpu: 't4' } },
      {
        inference: config.inference!,
        autopilot: false,
        serviceAccountName: 'vllm',
        modelBucketName: 'bucket',
        hfTokenSecretVersion: 'projects/p/secrets/hf-token/versions/latest',
        loadBalancerIp: '10.10.0.50',
        clientRanges: [PRIMARY_CONNECTOR],
        timing: timingBudget(),
        apiKey: { secretName: 'inference-api-key', secretKey: 'api-key' },
      },
    ) as Values;
    expect(onT4.vllmConfig.extraArgs).toEqual(expect.arrayContaining(['--quantization', 'awq']));
  });

  it('gives the deploy workflow apply job the inference stack worst case + an allowance for the other stacks', () => {
    // A job killed by its timeout leaves the Terraform state lock held (docs/operations.md "CI: plan review and deploy").
    const workflow = parseYaml(
      fs.readFileSync(path.join(repoRoot, '.github/workflows/deploy-env.yml'), 'utf8'),
    ) as { jobs: { apply: { 'timeout-minutes': number } } };
    const jobSeconds = workflow.jobs.apply['timeout-minutes'] * 60;
    // The other stacks in sequence (a first GKE cluster, node pools, Cloud SQL): an allowance, not a measurement.
    const otherStacksSeconds = 60 * 60;
    const worstOf = (env: ReturnType<typeof synthEnvironment>) => {
      const releases = resourcesOf(env.inference, 'helm_release');
      const timeout = (r: Values) => r.timeout as number;
      const sync = releases.filter((r) => r.name === 'model-sync').map(timeout)[0] ?? 0;
      const others = Math.max(0, ...releases.filter((r) => r.name !== 'model-sync').map(timeout));
      expect(releases.every((r) => r.atomic === true)).toBe(true);
      // Engines start after model-sync; a failed atomic release waits its timeout again for the rollback.
      return Math.max(2 * sync, sync + 2 * others);
    };
    // prod: model-sync 2256 s, then vLLM 2700 s (x 2 on a rollback).
    expect(worstOf(prod)).toBe(2256 + 2 * 2700);
    const worst = Math.max(...[dev, staging, prod].map(worstOf));
    expect(jobSeconds).toBeGreaterThanOrEqual(worst + otherStacksSeconds);
  });
});
