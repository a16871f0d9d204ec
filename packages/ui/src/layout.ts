/**
 * Where things sit in the topology picture. d3-scale's band scales place components inside their
 * host; d3-path draws each message's route as a curve. Pure: the same topology always gives the
 * same picture (no force layout, nothing random).
 */
import { path as d3path, scaleBand } from 'd3';
import type { Topology } from '@kubelab/sim-core';

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface HostLayout extends Box {
  name: string;
  ip: string;
  role: string;
  podCIDR?: string;
}

export interface ComponentLayout extends Box {
  id: string;
  component: string;
  host: string;
  ports: number[];
  plane: string;
  idle?: boolean;
}

export interface Layout {
  width: number;
  height: number;
  hosts: HostLayout[];
  components: Map<string, ComponentLayout>;
}

const HOST_BOXES: Record<string, Box> = {
  laptop: { x: 16, y: 200, w: 170, h: 120 },
  'k3s-master': { x: 230, y: 16, w: 560, h: 300 },
  'k3s-worker-1': { x: 230, y: 340, w: 270, h: 200 },
  'k3s-worker-2': { x: 520, y: 340, w: 270, h: 200 },
};

export function layoutTopology(t: Topology): Layout {
  const hosts: HostLayout[] = t.hosts.map((h, i) => ({ ...h, ...(HOST_BOXES[h.name] ?? { x: 16, y: 16 + i * 150, w: 200, h: 130 }) }));
  const components = new Map<string, ComponentLayout>();
  for (const h of hosts) {
    const mine = t.components.filter((c) => c.host === h.name);
    const planes = [...new Set(mine.map((c) => c.plane))];
    const col = scaleBand<string>().domain(planes).range([h.x + 12, h.x + h.w - 12]).paddingInner(0.08);
    for (const plane of planes) {
      const inPlane = mine.filter((c) => c.plane === plane);
      const row = scaleBand<string>().domain(inPlane.map((c) => c.id)).range([h.y + 44, h.y + h.h - 10]).paddingInner(0.18);
      for (const c of inPlane) components.set(c.id, { ...c, x: col(plane)!, y: row(c.id)!, w: col.bandwidth(), h: Math.min(row.bandwidth(), 52) });
    }
  }
  return { width: 806, height: 556, hosts, components };
}

export function anchor(c: Box): { x: number; y: number } {
  return { x: c.x + c.w / 2, y: c.y + c.h / 2 };
}

/** A gentle curve from a to b; messages between the same pair go out and back on mirrored arcs. */
export function route(a: Box, b: Box, lane: number): string {
  const p = anchor(a);
  const q = anchor(b);
  const mx = (p.x + q.x) / 2;
  const my = (p.y + q.y) / 2;
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  const len = Math.hypot(dx, dy) || 1;
  const bend = 18 * lane;
  const path = d3path();
  path.moveTo(p.x, p.y);
  path.quadraticCurveTo(mx - (dy / len) * bend, my + (dx / len) * bend, q.x, q.y);
  return path.toString();
}

/** Point at fraction f along the quadratic route. */
export function pointOnRoute(a: Box, b: Box, lane: number, f: number): { x: number; y: number } {
  const p = anchor(a);
  const q = anchor(b);
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  const len = Math.hypot(dx, dy) || 1;
  const cx = (p.x + q.x) / 2 - (dy / len) * 18 * lane;
  const cy = (p.y + q.y) / 2 + (dx / len) * 18 * lane;
  const u = 1 - f;
  return { x: u * u * p.x + 2 * u * f * cx + f * f * q.x, y: u * u * p.y + 2 * u * f * cy + f * f * q.y };
}
