import { LoggingMetric } from '@cdktf/provider-google/lib/logging-metric';
import { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { BUSINESS_METRIC_NAMES } from '../observability/log-metrics';

/**
 * Fields the backend writes, as one JSON line on stdout (Cloud Run puts it in `jsonPayload`), when an LLM
 * conversation turn completes. The log-based metrics below read exactly these; docs/observability.md "Observability" lists them.
 */
export const BACKEND_LOG_FIELDS = {
  event: 'always "llm_conversation" for these entries',
  llm_route: '"local" (inference service on GKE) or "api" (external LLM API)',
  llm_provider: 'who answered: "vllm", "tgi", "xai", "openai"',
  llm_model: 'model id, e.g. "mistralai/Mistral-7B-Instruct-v0.2"',
  api_cost_usd: 'what the external API charged for the conversation in USD (a number; 0 when local)',
} as const;

export const CONVERSATION_EVENT = 'llm_conversation';

export interface BusinessLogMetricsProps {
  /** Cloud Run service name of the backend, whose logs carry the fields. */
  readonly backendServiceName: string;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

const LABELS = {
  route: { field: 'llm_route', description: 'local or api' },
  provider: { field: 'llm_provider', description: 'vllm, tgi, xai, openai' },
  model: { field: 'llm_model', description: 'model id' },
} as const;

/**
 * The seed's business metrics ("LLM conversations/day", "API costs per conversation", and the local-vs-API
 * share of the migration phases) as log-based metrics over the backend's structured logs.
 */
export class BusinessLogMetrics extends Construct {
  /** Counter of completed conversations, labelled by route, provider and model. */
  readonly conversations: LoggingMetric;
  /** Distribution of `api_cost_usd` per conversation (0 for local ones), labelled the same way. */
  readonly apiCostPerConversation: LoggingMetric;

  constructor(scope: Construct, id: string, props: BusinessLogMetricsProps) {
    super(scope, id);
    const filter = [
      'resource.type="cloud_run_revision"',
      `resource.labels.service_name="${props.backendServiceName}"`,
      `jsonPayload.event="${CONVERSATION_EVENT}"`,
    ].join(' AND ');
    const labelExtractors = Object.fromEntries(
      Object.entries(LABELS).map(([key, { field }]) => [key, `EXTRACT(jsonPayload.${field})`]),
    );
    const labels = Object.entries(LABELS).map(([key, { description }]) => ({
      key,
      valueType: 'STRING',
      description,
    }));

    this.conversations = new LoggingMetric(this, 'conversations', {
      name: BUSINESS_METRIC_NAMES.conversations,
      description: 'LLM conversations completed by the backend',
      filter,
      labelExtractors,
      metricDescriptor: {
        metricKind: 'DELTA',
        valueType: 'INT64',
        unit: '1',
        displayName: 'LLM conversations',
        labels,
      },
      dependsOn: props.dependsOn,
    });
    this.apiCostPerConversation = new LoggingMetric(this, 'api-cost', {
      name: BUSINESS_METRIC_NAMES.apiCost,
      description: 'External LLM API cost per conversation, in USD',
      filter: `${filter} AND jsonPayload.api_cost_usd>=0`,
      valueExtractor: 'EXTRACT(jsonPayload.api_cost_usd)',
      labelExtractors,
      // 0.1 cent up to ~$1,000, doubling: resolves both cheap local turns and long API conversations.
      bucketOptions: { exponentialBuckets: { numFiniteBuckets: 20, growthFactor: 2, scale: 0.001 } },
      metricDescriptor: {
        metricKind: 'DELTA',
        valueType: 'DISTRIBUTION',
        // UCUM has no currency unit: an annotation in braces is the documented way to name one.
        unit: '{USD}',
        displayName: 'LLM API cost per conversation',
        labels,
      },
      dependsOn: props.dependsOn,
    });
  }
}
