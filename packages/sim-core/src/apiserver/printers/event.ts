/**
 * printEvent: LAST SEEN TYPE REASON OBJECT MESSAGE (-o wide inserts SUBOBJECT and SOURCE before
 * MESSAGE and appends FIRST SEEN, COUNT, NAME). The column order is v1.33's: Last Seen, Type,
 * Reason, Object, Subobject*, Source*, Message, First Seen*, Count*, Name* (* priority 1).
 *
 * Upstream: kubernetes v1.33.3 pkg/printers/internalversion/printers.go — AddHandlers
 * (eventColumnDefinitions), printEvent, formatEventSource, formatEventSourceComponentInstance,
 * translateMicroTimestampSince. The same printer serves core/v1 and events.k8s.io/v1 Events (one
 * internal type); this port reads the core/v1 field names (firstTimestamp, lastTimestamp, count,
 * series.lastObservedTime, source, involvedObject, reportingComponent/reportingInstance); an
 * object in events.k8s.io/v1 form is first mapped onto them as pkg/apis/events/v1/conversion.go
 * does (regarding, note, deprecatedSource/FirstTimestamp/LastTimestamp/Count, reportingController).
 *
 * First Seen falls back to eventTime when firstTimestamp is unset; Last Seen falls back to First
 * Seen, and a series overrides it with series.lastObservedTime and Count with series.count; a
 * count of 0 prints as 1. Object is `lower(kind)/name` (just `lower(kind)` without a name). Source
 * is "component, host" with reportingController/reportingInstance filling empty fields. Count is an
 * int64 cell although its column says "string" (as upstream). Left out: nothing.
 */
import type { KubeObject } from '../../objects/meta';
import { col, goTrimSpace, nameColumn, type Cell, type PrintOptions } from './helpers';
import { translateTimestampSince } from './human-duration';
import { docs } from './swagger-docs';
import type { TableColumnDefinition } from './table';

export const eventColumns: TableColumnDefinition[] = [
  col('Last Seen', 'string', docs.EVENT_LAST_TIMESTAMP),
  col('Type', 'string', docs.EVENT_TYPE),
  col('Reason', 'string', docs.EVENT_REASON),
  col('Object', 'string', docs.EVENT_INVOLVED_OBJECT),
  col('Subobject', 'string', docs.OBJECT_REFERENCE_FIELD_PATH, 1),
  col('Source', 'string', docs.EVENT_SOURCE, 1),
  col('Message', 'string', docs.EVENT_MESSAGE),
  col('First Seen', 'string', docs.EVENT_FIRST_TIMESTAMP, 1),
  col('Count', 'string', docs.EVENT_COUNT, 1),
  { ...nameColumn, priority: 1 },
];

const firstNonEmpty = (...ss: (string | undefined)[]): string => ss.find((s) => s !== undefined && s.length > 0) ?? '';

/** formatEventSource: "component, host", or just the component when there is no host/instance. */
export function formatEventSource(es: any, reportingController: string | undefined, reportingInstance: string | undefined): string {
  const component = firstNonEmpty(es?.component, reportingController);
  const instance = firstNonEmpty(es?.host, reportingInstance);
  return instance.length === 0 ? component : `${component}, ${instance}`;
}

/** events.k8s.io/v1 field names → the core/v1 ones (Convert_v1_Event_To_core_Event). */
function asCoreEvent(obj: KubeObject): any {
  const e = obj as any;
  if (obj.apiVersion !== 'events.k8s.io/v1' && obj.apiVersion !== 'events.k8s.io/v1beta1') return e;
  return {
    ...e,
    involvedObject: e.regarding,
    message: e.note,
    source: e.deprecatedSource,
    firstTimestamp: e.deprecatedFirstTimestamp,
    lastTimestamp: e.deprecatedLastTimestamp,
    count: e.deprecatedCount,
    reportingComponent: e.reportingController,
  };
}

export function printEvent(obj: KubeObject, nowMs: number, options: PrintOptions = {}): Cell[] {
  const e = asCoreEvent(obj);
  let firstTimestamp = translateTimestampSince(e.firstTimestamp, nowMs);
  if (!e.firstTimestamp) firstTimestamp = translateTimestampSince(e.eventTime, nowMs);

  let lastTimestamp = translateTimestampSince(e.lastTimestamp, nowMs);
  if (!e.lastTimestamp) lastTimestamp = firstTimestamp;

  let count: number = e.count ?? 0;
  if (e.series != null) {
    lastTimestamp = translateTimestampSince(e.series.lastObservedTime, nowMs);
    count = e.series.count ?? 0;
  } else if (count === 0) {
    // Singleton events don't have a count set in the new API.
    count = 1;
  }

  const involved = e.involvedObject ?? {};
  const kind = String(involved.kind ?? '').toLowerCase();
  const target = involved.name ? `${kind}/${involved.name}` : kind;
  const message = goTrimSpace(String(e.message ?? ''));
  if (options.wide ?? true) {
    return [
      lastTimestamp,
      e.type ?? '',
      e.reason ?? '',
      target,
      involved.fieldPath ?? '',
      formatEventSource(e.source, e.reportingComponent, e.reportingInstance),
      message,
      firstTimestamp,
      count,
      obj.metadata.name,
    ];
  }
  return [lastTimestamp, e.type ?? '', e.reason ?? '', target, message];
}
