/**
 * The browser lab following a `lab serve` run: your own kubectl's requests appear as they reach
 * the simulated cluster. Each new request is replayed slowed down (speed is simulated time per
 * wall second) so its messages can be watched travelling kubectl → apiserver → etcd and back.
 */
import { LitElement, css, html } from 'lit';
import type { TraceEntry, Topology } from '@kubelab/sim-core';
import './kl-controls';
import './kl-event-list';
import './kl-topology';
import { LiveFeed } from './live-feed';
import { theme } from './styles';
import { inFlight, type Flight } from './timeline';

const FRONT_DOOR = 'laptop/kubectl-real';

export function flightsOf(entries: readonly TraceEntry[]): Flight[] {
  const sends = new Map<number, TraceEntry>();
  const out: Flight[] = [];
  for (const e of entries) {
    if (e.type === 'send' && e.id !== undefined) sends.set(e.id, e);
    else if ((e.type === 'deliver' || e.type === 'drop') && e.id !== undefined) {
      const s = sends.get(e.id);
      const leaves = (s?.data as { leavesAtUs?: number } | undefined)?.leavesAtUs;
      out.push({ id: e.id, from: e.from ?? '', to: e.to ?? '', kind: e.kind, sentUs: leaves ?? s?.t ?? e.t, endUs: e.t, dropped: e.type === 'drop', entry: e.i });
    }
  }
  return out;
}

export class KlLive extends LitElement {
  static override properties = {
    base: { type: String },
    playheadUs: { state: true },
    playing: { state: true },
    speed: { state: true },
    selected: { state: true },
    showBackground: { state: true },
    error: { state: true },
    count: { state: true },
  };
  declare base: string;
  declare playheadUs: number;
  declare playing: boolean;
  declare speed: number;
  declare selected: number;
  declare showBackground: boolean;
  declare error: string;
  declare count: number;
  private feed?: LiveFeed;
  private topology?: Topology;
  private flights: Flight[] = [];
  private pollTimer = 0;
  private raf = 0;
  private lastFrame = 0;
  private stopAt = 0;

  static override styles = [
    theme,
    css`
      :host {
        display: block;
      }
      .grid {
        display: grid;
        grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
        gap: 14px;
        margin-top: 12px;
      }
      .error {
        color: var(--kl-drop);
      }
      pre {
        max-height: 300px;
        overflow: auto;
        white-space: pre-wrap;
        word-break: break-all;
      }
    `,
  ];

  constructor() {
    super();
    this.base = '';
    this.playheadUs = 0;
    this.playing = false;
    this.speed = 2_000;
    this.selected = -1;
    this.showBackground = false;
    this.error = '';
    this.count = 0;
  }

  override async connectedCallback(): Promise<void> {
    super.connectedCallback();
    this.feed = new LiveFeed(this.base);
    try {
      this.topology = (await this.feed.topology()).topology;
      await this.refresh();
      this.playheadUs = this.feed.nowUs;
      this.setAttribute('data-ready', '');
      this.pollTimer = window.setInterval(() => void this.refresh(), 400);
    } catch (e) {
      this.error = `cannot read the live trace at ${this.base}: ${(e as Error).message} — is \`lab serve\` running?`;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.pollTimer);
    cancelAnimationFrame(this.raf);
  }

  private async refresh(): Promise<void> {
    const feed = this.feed!;
    const before = feed.entries.length;
    await feed.poll();
    if (feed.entries.length === before) return;
    this.flights = flightsOf(feed.entries);
    this.count = feed.entries.length;
    this.setAttribute('data-trace-hash', feed.traceHash);
    this.setAttribute('data-entries', String(feed.entries.length));
    // A new request from your kubectl: replay it from its first message.
    const fresh = feed.entries.slice(before).find((e) => e.type === 'input' && e.to === FRONT_DOOR && e.kind === 'http');
    if (fresh && !this.playing) {
      this.playheadUs = fresh.t;
      this.stopAt = feed.nowUs;
      this.play();
    }
  }

  private tick = (now: number) => {
    if (!this.playing) return;
    const dt = this.lastFrame ? now - this.lastFrame : 0;
    this.lastFrame = now;
    this.playheadUs = Math.min(this.stopAt, Math.round(this.playheadUs + (dt / 1000) * this.speed));
    if (this.playheadUs >= this.stopAt) this.playing = false;
    else this.raf = requestAnimationFrame(this.tick);
  };

  private play(): void {
    this.stopAt = Math.max(this.stopAt, this.feed?.nowUs ?? 0);
    this.playing = true;
    this.lastFrame = 0;
    this.raf = requestAnimationFrame(this.tick);
  }

  /** Your kubectl's traffic: to/from the front door, and the etcd calls made for it (not lease renewals). */
  private isForeground(e: TraceEntry): boolean {
    if (e.from === FRONT_DOOR || e.to === FRONT_DOOR) return true;
    const d = e.data as { conn?: string; reqId?: string; request?: { key?: string; compare?: { key?: string }[] } } | undefined;
    if (typeof d?.conn === 'string' && d.conn.includes('#')) return true;
    if (e.kind.startsWith('etcdserverpb.') && d?.reqId) {
      const key = d.request?.key ?? d.request?.compare?.[0]?.key;
      if (key !== undefined) {
        if (!key.includes('/leases/')) this.foregroundReqs.add(d.reqId);
        return !key.includes('/leases/');
      }
      return this.foregroundReqs.has(d.reqId);
    }
    return false;
  }

  private foregroundReqs = new Set<string>();

  override render() {
    if (this.error) return html`<div class="error" data-testid="error">${this.error}</div>`;
    if (!this.topology || !this.feed) return html`<div>connecting to ${this.base}…</div>`;
    const rows = this.feed.entries.filter((e) => (e.type === 'deliver' || e.type === 'drop' || e.type === 'input') && (this.showBackground || this.isForeground(e) || e.type === 'input'));
    const visible = inFlight({ flights: this.flights, steps: [], startUs: 0, endUs: this.feed.nowUs }, this.playheadUs).filter(({ flight }) => this.showBackground || rows.some((r) => r.i === flight.entry));
    const sel = this.selected >= 0 ? this.feed.entries[this.selected] : undefined;
    return html`<div class="grid">
      <div>
        <kl-topology .topology=${this.topology} .flights=${visible} activeProcess=""></kl-topology>
        <div style="margin-top:10px">
          <kl-controls
            .startUs=${0}
            .endUs=${this.feed.nowUs}
            .playheadUs=${this.playheadUs}
            .playing=${this.playing}
            .speed=${this.speed}
            .originUs=${0}
            @kl-play=${() => this.play()}
            @kl-pause=${() => (this.playing = false)}
            @kl-step=${() => {}}
            @kl-seek=${(e: CustomEvent<number>) => ((this.playing = false), (this.playheadUs = e.detail))}
            @kl-speed=${(e: CustomEvent<number>) => (this.speed = e.detail)}
          ></kl-controls>
        </div>
      </div>
      <div>
        <label><input type="checkbox" .checked=${this.showBackground} @change=${(e: Event) => (this.showBackground = (e.target as HTMLInputElement).checked)} /> show background traffic</label>
        <kl-event-list .entries=${rows.slice(-400)} .playheadUs=${this.playheadUs} .selected=${this.selected} .originUs=${0} @kl-select=${(e: CustomEvent<number>) => (this.selected = e.detail)}></kl-event-list>
        ${sel ? html`<pre class="panel" data-testid="message-detail">${JSON.stringify(sel, null, 2)}</pre>` : html``}
      </div>
    </div>`;
  }
}
customElements.define('kl-live', KlLive);
