/**
 * The Tower Fleet picture: the laptop and the three nodes with their IPs and pod CIDRs, each
 * component with its ports, and every message in flight at the playhead's simulated instant as a
 * dot travelling its route. The component doing the current flow step is lit.
 */
import { LitElement, css, html, svg } from 'lit';
import type { Topology } from '@kubelab/sim-core';
import { layoutTopology, pointOnRoute, route, type Layout } from './layout';
import { theme } from './styles';
import type { Flight } from './timeline';

const PLANE_COLOR: Record<string, string> = { 'control-plane': 'var(--kl-control)', node: 'var(--kl-node)', client: 'var(--kl-client)' };

export class KlTopology extends LitElement {
  static override properties = {
    topology: { attribute: false },
    flights: { attribute: false },
    activeProcess: { type: String },
  };
  declare topology: Topology | undefined;
  declare flights: { flight: Flight; progress: number }[];
  declare activeProcess: string;
  private layoutCache?: { t: Topology; l: Layout };

  static override styles = [
    theme,
    css`
      svg {
        width: 100%;
        height: auto;
        background: var(--kl-panel);
        border: 1px solid var(--kl-border);
        border-radius: 6px;
      }
      .host-name {
        font-weight: 600;
        fill: var(--kl-text);
        font-size: 14px;
      }
      .host-ip {
        fill: var(--kl-dim);
        font-size: 12px;
      }
      .comp-name {
        fill: var(--kl-text);
        font-size: 12px;
      }
      .comp-port {
        fill: var(--kl-dim);
        font-size: 10px;
      }
      .msg-label {
        fill: var(--kl-text);
        font-size: 10px;
        paint-order: stroke;
        stroke: var(--kl-bg);
        stroke-width: 3px;
      }
    `,
  ];

  constructor() {
    super();
    this.flights = [];
    this.activeProcess = '';
  }

  private layout(): Layout | undefined {
    if (!this.topology) return undefined;
    if (this.layoutCache?.t !== this.topology) this.layoutCache = { t: this.topology, l: layoutTopology(this.topology) };
    return this.layoutCache.l;
  }

  override render() {
    const l = this.layout();
    if (!l) return html``;
    return html`<svg viewBox="0 0 ${l.width} ${l.height}" role="img" aria-label="Tower Fleet topology">
      ${l.hosts.map(
        (h) => svg`<g data-host=${h.name}>
          <rect x=${h.x} y=${h.y} width=${h.w} height=${h.h} rx="8" fill="#111821" stroke="var(--kl-border)" />
          <text class="host-name" x=${h.x + 10} y=${h.y + 20}>${h.name}</text>
          <text class="host-ip" x=${h.x + 10} y=${h.y + 36}>${h.ip}${h.podCIDR ? `  · pods ${h.podCIDR}` : ''}</text>
        </g>`,
      )}
      ${[...l.components.values()].map((c) => {
        const active = c.id === this.activeProcess;
        return svg`<g data-component=${c.id} class=${active ? 'active' : ''}>
          <rect x=${c.x} y=${c.y} width=${c.w} height=${c.h} rx="5" fill=${active ? '#2b3a4d' : '#18212c'}
            stroke=${PLANE_COLOR[c.plane] ?? 'var(--kl-border)'} stroke-width=${active ? 3 : 1} stroke-dasharray=${c.idle ? '4 3' : ''} />
          <text class="comp-name" x=${c.x + 8} y=${c.y + 16}>${c.component}</text>
          <text class="comp-port" x=${c.x + 8} y=${c.y + 30}>${c.ports.length ? `:${c.ports.join(', :')}` : c.idle ? 'idle in the lab so far' : ''}</text>
        </g>`;
      })}
      ${this.flights.map(({ flight, progress }) => {
        const a = l.components.get(flight.from);
        const b = l.components.get(flight.to);
        if (!a || !b) return svg``;
        const lane = flight.from < flight.to ? 1 : -1;
        const p = pointOnRoute(a, b, lane, progress);
        const color = flight.dropped ? 'var(--kl-drop)' : 'var(--kl-accent)';
        return svg`<g data-flight=${flight.id}>
          <path d=${route(a, b, lane)} fill="none" stroke=${color} stroke-opacity="0.35" stroke-width="1.5" />
          <circle cx=${p.x} cy=${p.y} r="6" fill=${color} />
          <text class="msg-label" x=${p.x + 9} y=${p.y - 7}>${flight.kind}</text>
        </g>`;
      })}
    </svg>`;
  }
}
customElements.define('kl-topology', KlTopology);
