/**
 * Typed builders for Cloud Monitoring dashboard JSON (the `Dashboard` resource of monitoring.googleapis.com/v1):
 * charts are composed from Signals and PromQL queries, never pasted as blobs.
 */
import { apiAggregation, Signal } from './metric-filters';

type ApiAggregation = ReturnType<typeof apiAggregation>;

export interface TimeSeriesQuery {
  readonly timeSeriesFilter?: { readonly filter: string; readonly aggregation: ApiAggregation };
  readonly timeSeriesFilterRatio?: {
    readonly numerator: { readonly filter: string; readonly aggregation: ApiAggregation };
    readonly denominator: { readonly filter: string; readonly aggregation: ApiAggregation };
  };
  readonly prometheusQuery?: string;
}

export interface DataSet {
  readonly timeSeriesQuery: TimeSeriesQuery;
  readonly plotType: 'LINE' | 'STACKED_AREA' | 'STACKED_BAR';
  readonly targetAxis: 'Y1';
  readonly legendTemplate?: string;
}

export interface Threshold {
  readonly label: string;
  readonly value: number;
  readonly color: 'YELLOW' | 'RED';
  readonly direction: 'ABOVE' | 'BELOW';
  readonly targetAxis: 'Y1';
}

export interface XyChart {
  readonly dataSets: readonly DataSet[];
  readonly yAxis: { readonly label: string; readonly scale: 'LINEAR' };
  readonly thresholds?: readonly Threshold[];
}

export interface Widget {
  readonly title: string;
  readonly xyChart: XyChart;
}

export interface Tile {
  readonly xPos: number;
  readonly yPos: number;
  readonly width: number;
  readonly height: number;
  readonly widget: Widget;
}

export interface DashboardJson {
  readonly displayName: string;
  readonly mosaicLayout: { readonly columns: number; readonly tiles: readonly Tile[] };
}

export interface SeriesOptions {
  /** @default "LINE" */
  readonly plotType?: DataSet['plotType'];
  /** e.g. `${resource.labels.service_name}`. @default - Monitoring's own legend */
  readonly legend?: string;
}

function dataSet(timeSeriesQuery: TimeSeriesQuery, options: SeriesOptions): DataSet {
  return {
    timeSeriesQuery,
    plotType: options.plotType ?? 'LINE',
    targetAxis: 'Y1',
    ...(options.legend ? { legendTemplate: options.legend } : {}),
  };
}

/** A line (or area) of a Cloud Monitoring metric. */
export function metricSeries(signal: Signal, options: SeriesOptions = {}): DataSet {
  return dataSet(
    { timeSeriesFilter: { filter: signal.filter, aggregation: apiAggregation(signal.aggregation) } },
    options,
  );
}

/** The ratio of two metrics, e.g. 5xx / all requests. */
export function ratioSeries(numerator: Signal, denominator: Signal, options: SeriesOptions = {}): DataSet {
  return dataSet(
    {
      timeSeriesFilterRatio: {
        numerator: { filter: numerator.filter, aggregation: apiAggregation(numerator.aggregation) },
        denominator: { filter: denominator.filter, aggregation: apiAggregation(denominator.aggregation) },
      },
    },
    options,
  );
}

/** A PromQL query over Managed Service for Prometheus (and Cloud Monitoring) data. */
export function promSeries(query: string, options: SeriesOptions = {}): DataSet {
  return dataSet({ prometheusQuery: query }, options);
}

/** A line to compare the chart with, typically the alert threshold. */
export function thresholdLine(label: string, value: number, color: Threshold['color'] = 'RED'): Threshold {
  return { label, value, color, direction: 'ABOVE', targetAxis: 'Y1' };
}

export function chart(
  title: string,
  yLabel: string,
  dataSets: DataSet[],
  thresholds: Threshold[] = [],
): Widget {
  return {
    title,
    xyChart: {
      dataSets,
      yAxis: { label: yLabel, scale: 'LINEAR' },
      ...(thresholds.length ? { thresholds } : {}),
    },
  };
}

/** Mosaic grid width (Cloud Monitoring's fixed 48 columns). */
const COLUMNS = 48;
const TILE_HEIGHT = 16;

/** Lays widgets out left to right, two per row. */
export function dashboard(displayName: string, widgets: Widget[]): DashboardJson {
  const width = COLUMNS / 2;
  return {
    displayName,
    mosaicLayout: {
      columns: COLUMNS,
      tiles: widgets.map((widget, i) => ({
        xPos: (i % 2) * width,
        yPos: Math.floor(i / 2) * TILE_HEIGHT,
        width,
        height: TILE_HEIGHT,
        widget,
      })),
    },
  };
}
