/**
 * Virtual time. The kernel counts integer microseconds from the scenario's start; nothing in the
 * simulation reads the wall clock. `epochMs` maps simulated t=0 to a calendar instant so that
 * Kubernetes timestamps (creationTimestamp, AGE) can be printed the way the real cluster prints
 * them.
 */

export type Micros = number;

export const US_PER_MS = 1000;
export const US_PER_S = 1_000_000;

export const ms = (n: number): Micros => Math.round(n * US_PER_MS);
export const seconds = (n: number): Micros => Math.round(n * US_PER_S);
export const toMs = (us: Micros): number => us / US_PER_MS;

const UNITS: Record<string, number> = {
  us: 1,
  µs: 1,
  ms: US_PER_MS,
  s: US_PER_S,
  m: 60 * US_PER_S,
  h: 3600 * US_PER_S,
};

/** An error about one named input field, worded like the apiserver's field errors. */
export class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly detail: string,
  ) {
    super(`${field}: Invalid value: ${JSON.stringify(value)}: ${detail}`);
    this.name = 'FieldError';
  }
}

/**
 * Parses a Go-style duration ("30s", "1m30s", "250ms", "10m") into microseconds.
 * A bare number is not accepted: the unit is what keeps "30" from meaning 30 µs by accident.
 */
export function parseDuration(text: string, field = 'duration'): Micros {
  const s = String(text).trim();
  if (s === '') throw new FieldError(field, text, 'must be a duration such as 30s, 500ms or 10m');
  const re = /(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)/gy;
  let total = 0;
  let pos = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * UNITS[m[2] as string]!;
    pos = re.lastIndex;
  }
  if (pos !== s.length || pos === 0) {
    throw new FieldError(field, text, 'must be a duration such as 30s, 500ms or 10m');
  }
  return Math.round(total);
}

/** Formats microseconds the way Go's time.Duration.String() does for the common cases. */
export function formatDuration(us: Micros): string {
  if (us === 0) return '0s';
  if (us < US_PER_MS) return `${us}µs`;
  if (us < US_PER_S) return `${trimZeros(us / US_PER_MS)}ms`;
  const totalS = us / US_PER_S;
  const h = Math.floor(totalS / 3600);
  const m = Math.floor((totalS - h * 3600) / 60);
  const sec = totalS - h * 3600 - m * 60;
  let out = '';
  if (h > 0) out += `${h}h`;
  if (h > 0 || m > 0) out += `${m}m`;
  out += `${trimZeros(sec)}s`;
  return out;
}

function trimZeros(n: number): string {
  return String(Number(n.toFixed(6)));
}
