/**
 * The event list: every message and step of the run in order (time, from, to, what). Rows after
 * the playhead are dimmed; clicking a row fires `kl-select` with the trace entry's index, and the
 * app shows that message's contents.
 */
import { LitElement, css, html } from 'lit';
import type { TraceEntry } from '@kubelab/sim-core';
import { theme } from './styles';

export function describeEntry(e: TraceEntry): string {
  if (e.type === 'note' && e.kind === 'flow.step') {
    const d = e.data as { step: number; title: string };
    return `step ${d.step}: ${d.title}`;
  }
  if (e.type === 'input') {
    const d = e.data as { method?: string; path?: string } | undefined;
    return d?.method ? `your kubectl: ${d.method} ${d.path}` : `input: ${e.kind}`;
  }
  if (e.type === 'drop') return `${e.kind} dropped (${(e.data as { reason: string }).reason})`;
  const d = e.data as Record<string, any> | undefined;
  if (e.kind === 'http.request' && d) return `${d.method} ${d.path}`;
  if (e.kind === 'http.response' && d) return `HTTP ${d.status} ${d.body?.kind ?? ''}`.trim();
  if (e.kind.startsWith('etcdserverpb.') && d?.request) return `${e.kind.replace('etcdserverpb.', '')} ${d.request.key ?? (d.request.compare?.[0]?.key ?? '')}`;
  if (e.kind.endsWith('.reply') && d?.header) return `${e.kind.replace('etcdserverpb.', '')} rev ${d.header.revision}`;
  return e.kind;
}

const short = (p: string | undefined) => (p ?? '').replace('k3s-', '');

export class KlEventList extends LitElement {
  static override properties = {
    entries: { attribute: false },
    playheadUs: { type: Number },
    selected: { type: Number },
    originUs: { type: Number },
  };
  declare entries: TraceEntry[];
  declare playheadUs: number;
  declare selected: number;
  declare originUs: number;

  static override styles = [
    theme,
    css`
      .list {
        max-height: 340px;
        overflow: auto;
        border: 1px solid var(--kl-border);
        border-radius: 6px;
        background: var(--kl-panel);
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 12px;
      }
      th {
        position: sticky;
        top: 0;
        background: var(--kl-panel);
        text-align: left;
        color: var(--kl-dim);
        font-weight: 500;
      }
      th,
      td {
        padding: 3px 8px;
        white-space: nowrap;
      }
      tr.future td {
        opacity: 0.35;
      }
      tr.step td {
        color: var(--kl-client);
      }
      tr.sel td {
        background: #22303f;
      }
      tr.drop td {
        color: var(--kl-drop);
      }
      tbody tr {
        cursor: pointer;
      }
      td.t {
        font-variant-numeric: tabular-nums;
        text-align: right;
      }
    `,
  ];

  constructor() {
    super();
    this.entries = [];
    this.playheadUs = 0;
    this.selected = -1;
    this.originUs = 0;
  }

  override render() {
    return html`<div class="list">
      <table>
        <thead>
          <tr><th>time</th><th>from</th><th>to</th><th>what</th></tr>
        </thead>
        <tbody>
          ${this.entries.map(
            (e) => html`<tr
              data-entry=${e.i}
              class=${[e.t > this.playheadUs ? 'future' : '', e.kind === 'flow.step' ? 'step' : '', e.type === 'drop' ? 'drop' : '', e.i === this.selected ? 'sel' : ''].join(' ')}
              @click=${() => this.dispatchEvent(new CustomEvent('kl-select', { detail: e.i, bubbles: true, composed: true }))}
            >
              <td class="t">+${((e.t - this.originUs) / 1000).toFixed(3)}</td>
              <td>${short(e.from)}</td>
              <td>${short(e.to)}</td>
              <td>${describeEntry(e)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }
}
customElements.define('kl-event-list', KlEventList);
