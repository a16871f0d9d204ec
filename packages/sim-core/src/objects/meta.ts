/**
 * Kubernetes object shapes as plain JSON (real field names: metadata, spec, status) and helpers
 * for the parts every object shares. Timestamps are RFC 3339 with second precision, as
 * metav1.Time marshals them, computed from simulated time and the scenario's calendar epoch.
 */

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  generateName?: string;
  [k: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  [k: string]: unknown;
}

/** metav1.Time's JSON form: RFC 3339, UTC, whole seconds. */
let lastRfc3339: [number, string] = [NaN, ''];
export function rfc3339(unixMs: number): string {
  const sec = Math.floor(unixMs / 1000);
  if (lastRfc3339[0] === sec) return lastRfc3339[1];
  const text = new Date(sec * 1000).toISOString().replace('.000Z', 'Z');
  lastRfc3339 = [sec, text];
  return text;
}

/** metav1.MicroTime's JSON form: RFC 3339 with six fractional digits. */
export function microTime(unixUs: number): string {
  const iso = new Date(Math.floor(unixUs / 1_000_000) * 1000).toISOString().slice(0, 19);
  const frac = String(((unixUs % 1_000_000) + 1_000_000) % 1_000_000).padStart(6, '0');
  return `${iso}.${frac}Z`;
}

export function parseRfc3339(s: string): number {
  return Date.parse(s);
}

/** Calendar time (Unix ms) of a simulated instant. */
export const calendarMs = (epochMs: number, nowUs: number): number => epochMs + Math.floor(nowUs / 1000);
