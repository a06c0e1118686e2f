/**
 * Typed pieces of Cloud Monitoring time-series queries, shared by alert policies, SLOs and dashboards so a
 * signal is written once.
 */

export type Aligner =
  | 'ALIGN_NONE'
  | 'ALIGN_DELTA'
  | 'ALIGN_RATE'
  | 'ALIGN_MEAN'
  | 'ALIGN_MAX'
  | 'ALIGN_SUM'
  | 'ALIGN_NEXT_OLDER'
  | 'ALIGN_PERCENTILE_95';

export type Reducer =
  | 'REDUCE_NONE'
  | 'REDUCE_SUM'
  | 'REDUCE_MEAN'
  | 'REDUCE_MAX'
  | 'REDUCE_COUNT_FALSE'
  | 'REDUCE_PERCENTILE_50'
  | 'REDUCE_PERCENTILE_95'
  | 'REDUCE_PERCENTILE_99';

export interface Aggregation {
  readonly alignmentPeriodSeconds: number;
  readonly perSeriesAligner: Aligner;
  /** @default - series are kept apart */
  readonly crossSeriesReducer?: Reducer;
  /** @default [] */
  readonly groupByFields?: readonly string[];
}

/** A metric filter plus how to aggregate it: one line on a chart or one side of an alert condition. */
export interface Signal {
  readonly filter: string;
  readonly aggregation: Aggregation;
}

/**
 * `metric.type="<metricType>" AND resource.type="<resourceType>" AND <label>=<value>...`. String values are
 * quoted, numbers are not (Monitoring compares INT64 labels such as `response_code_class` as numbers).
 */
export function metricFilter(
  metricType: string,
  resourceType: string,
  labels: Readonly<Record<string, string | number>> = {},
): string {
  return [
    `metric.type="${metricType}"`,
    `resource.type="${resourceType}"`,
    ...Object.entries(labels).map(
      ([key, value]) => `${key}=${typeof value === 'number' ? value : `"${value}"`}`,
    ),
  ].join(' AND ');
}

/** `<seconds>s`, the duration format of the Monitoring API. */
export function seconds(value: number): string {
  return `${value}s`;
}

/** An Aggregation in the API's (and dashboard JSON's) field names. */
export function apiAggregation(aggregation: Aggregation): {
  alignmentPeriod: string;
  perSeriesAligner: Aligner;
  crossSeriesReducer?: Reducer;
  groupByFields?: string[];
} {
  return {
    alignmentPeriod: seconds(aggregation.alignmentPeriodSeconds),
    perSeriesAligner: aggregation.perSeriesAligner,
    ...(aggregation.crossSeriesReducer ? { crossSeriesReducer: aggregation.crossSeriesReducer } : {}),
    ...(aggregation.groupByFields?.length ? { groupByFields: [...aggregation.groupByFields] } : {}),
  };
}
