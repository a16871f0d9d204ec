/**
 * duration.HumanDuration and ShortHumanDuration, as kubectl's AGE column prints them.
 * Upstream: k8s.io/apimachinery/pkg/util/duration/duration.go (ported line for line; Go's int
 * conversion truncates toward zero, hence Math.trunc).
 */

const t = Math.trunc;

/** d in milliseconds. */
export function humanDuration(dMs: number): string {
  const seconds = t(dMs / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = t(dMs / 60000);
  if (minutes < 10) {
    const s = t(dMs / 1000) % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  } else if (minutes < 60 * 3) {
    return `${minutes}m`;
  }
  const hours = t(dMs / 3600000);
  if (hours < 8) {
    const m = t(dMs / 60000) % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  } else if (hours < 48) {
    return `${hours}h`;
  } else if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${t(hours / 24)}d` : `${t(hours / 24)}d${h}h`;
  } else if (hours < 24 * 365 * 2) {
    return `${t(hours / 24)}d`;
  } else if (hours < 24 * 365 * 8) {
    const dy = t(hours / 24) % 365;
    return dy === 0 ? `${t(hours / 24 / 365)}y` : `${t(hours / 24 / 365)}y${dy}d`;
  }
  return `${t(hours / 24 / 365)}y`;
}

export function shortHumanDuration(dMs: number): string {
  const seconds = t(dMs / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60) return `${seconds}s`;
  const minutes = t(dMs / 60000);
  if (minutes < 60) return `${minutes}m`;
  const hours = t(dMs / 3600000);
  if (hours < 24) return `${hours}h`;
  if (hours < 24 * 365) return `${t(hours / 24)}d`;
  return `${t(hours / 24 / 365)}y`;
}

/** Go's zero time.Time (0001-01-01T00:00:00Z), which metav1.Time decodes from that literal. */
const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');

/**
 * translateTimestampSince (and translateMicroTimestampSince, the same for a MicroTime): "<unknown>"
 * for a zero time (unset, null, or 0001-01-01T00:00:00Z), else HumanDuration(now - ts).
 */
export function translateTimestampSince(ts: string | null | undefined, nowMs: number): string {
  if (!ts) return '<unknown>';
  const t = Date.parse(ts);
  if (t === GO_ZERO_TIME_MS) return '<unknown>';
  return humanDuration(nowMs - t);
}
