/**
 * `lab serve`'s calendar. The simulation keeps the scenario's own calendar (Tower Fleet's t=0 is
 * 2025-11-09T12:00:00Z, its certificates and objects dated from it), so its traces never depend on
 * when you run it. Your kubectl, though, computes ages from your machine's clock — `kubectl
 * describe`'s event ages, `kubectl get -o wide`'s are server-side and fine — so at the HTTP boundary
 * `lab serve` shifts every RFC 3339 timestamp by a whole number of seconds: forward in what it
 * answers (bodies, watch events, the audit log), back in what it receives. A value round-trips
 * unchanged; inside the simulation (and in the browser's trace view) times stay on the scenario's
 * calendar.
 */

/** metav1.Time (`…T12:00:00Z`) and metav1.MicroTime (`…T12:00:00.123456Z`) as they are serialized. */
const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d{1,9})?Z$/;

/** One timestamp string moved by `deltaMs` (whole seconds); anything else is returned as is. */
export function shiftTimestamp(s: string, deltaMs: number): string {
  const m = TIMESTAMP.exec(s);
  if (!m) return s;
  const ms = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(ms)) return s;
  return `${new Date(ms + deltaMs).toISOString().slice(0, 19)}${m[2] ?? ''}Z`;
}

/** A JSON value with every timestamp string in it moved by `deltaMs`; the input is not changed. */
export function shiftTimes<T>(v: T, deltaMs: number): T {
  if (deltaMs === 0) return v;
  const walk = (x: unknown): unknown => {
    if (typeof x === 'string') return shiftTimestamp(x, deltaMs);
    if (Array.isArray(x)) return x.map(walk);
    if (x && typeof x === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, val] of Object.entries(x as Record<string, unknown>)) out[k] = walk(val);
      return out;
    }
    return x;
  };
  return walk(v) as T;
}

/** The shift that puts the simulation's `simCalendarMs` on the wall clock's `wallMs`, in whole seconds. */
export function calendarShiftMs(wallMs: number, simCalendarMs: number): number {
  return Math.round((wallMs - simCalendarMs) / 1000) * 1000;
}
