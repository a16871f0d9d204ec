/**
 * The browser lab. It runs the flow in the page with sim-core (the same code and seed as
 * `lab flow`, so the same trace hash), then plays the recorded run: the playhead is a simulated
 * instant, advanced by the wall clock × speed while playing, moved by step and seek otherwise;
 * everything drawn is a function of the trace at the playhead.
 *
 * URL parameters: ?seed=N (default 1), ?flow=kubectl-get-pods.
 */
import { LitElement, css, html } from 'lit';
import { flowCommands, flowDef, flowNames, runFlow, type FlowRun, type TraceEntry } from '@kubelab/sim-core';
import './kl-controls';
import './kl-event-list';
import './kl-topology';
import './kl-live';
import { parseLiveUrl } from './live-feed';
import { theme } from './styles';
import { buildTimeline, currentStep, inFlight, nextStop, prevStop, type Timeline } from './timeline';

export interface LabParams {
  seed: number;
  flow: string;
  /** A `lab serve` live-trace feed to follow instead of playing a flow. */
  live?: string;
}

/** Reads ?seed and ?flow; bad values are errors that name the parameter and value. */
export function parseParams(search: string): LabParams {
  const q = new URLSearchParams(search);
  const seedText = q.get('seed') ?? '1';
  if (!/^\d{1,15}$/.test(seedText)) throw new Error(`seed: Invalid value: ${JSON.stringify(seedText)}: must be a non-negative integer`);
  const flow = q.get('flow') ?? 'kubectl-get-pods';
  if (!flowNames().includes(flow)) throw new Error(`flow: Invalid value: ${JSON.stringify(flow)}: must be one of ${flowNames().join(', ')}`);
  const live = q.get('live');
  return { seed: Number(seedText), flow, ...(live !== null ? { live: parseLiveUrl(live) } : {}) };
}

export class KlApp extends LitElement {
  static override properties = {
    playheadUs: { state: true },
    playing: { state: true },
    speed: { state: true },
    selected: { state: true },
    showBackground: { state: true },
    error: { state: true },
    live: { state: true },
  };
  declare live: string;
  declare playheadUs: number;
  declare playing: boolean;
  declare speed: number;
  declare selected: number;
  declare showBackground: boolean;
  declare error: string;

  run?: FlowRun;
  timeline?: Timeline;
  private flowEntries: TraceEntry[] = [];
  private allEntries: TraceEntry[] = [];
  private raf = 0;
  private lastFrame = 0;

  static override styles = [
    theme,
    css`
      :host {
        display: block;
        padding: 16px 20px;
        max-width: 1400px;
        margin: 0 auto;
      }
      header {
        display: flex;
        align-items: baseline;
        gap: 16px;
        flex-wrap: wrap;
      }
      h1 {
        font-size: 20px;
        margin: 0;
      }
      .sub {
        color: var(--kl-dim);
      }
      .hash {
        margin-left: auto;
        color: var(--kl-dim);
        font-size: 12px;
      }
      .grid {
        display: grid;
        grid-template-columns: minmax(0, 3fr) minmax(0, 2fr);
        gap: 14px;
        margin-top: 12px;
      }
      .panel {
        background: var(--kl-panel);
        border: 1px solid var(--kl-border);
        border-radius: 6px;
        padding: 10px 12px;
      }
      ol.steps {
        margin: 0;
        padding-left: 22px;
      }
      ol.steps li {
        padding: 2px 0;
        color: var(--kl-dim);
        cursor: pointer;
      }
      ol.steps li.done {
        color: var(--kl-text);
      }
      ol.steps li.current {
        color: var(--kl-client);
        font-weight: 600;
      }
      .terminal {
        background: #0b0f14;
        border: 1px solid var(--kl-border);
        border-radius: 6px;
        padding: 8px 10px;
        min-height: 110px;
        white-space: pre;
        overflow: auto;
      }
      pre.detail {
        max-height: 300px;
        overflow: auto;
        margin: 6px 0 0;
        white-space: pre-wrap;
        word-break: break-all;
      }
      h2 {
        font-size: 13px;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--kl-dim);
        margin: 4px 0 6px;
      }
      .error {
        color: var(--kl-drop);
        padding: 20px;
      }
      label {
        color: var(--kl-dim);
        font-size: 12px;
      }
    `,
  ];

  constructor() {
    super();
    this.playheadUs = 0;
    this.playing = false;
    this.speed = 2_000;
    this.selected = -1;
    this.showBackground = false;
    this.error = '';
    this.live = '';
    try {
      const params = parseParams(typeof location !== 'undefined' ? location.search : '');
      if (params.live) this.live = params.live;
      else this.load(params);
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  load(params: LabParams): void {
    const run = runFlow(params.flow, { seed: params.seed });
    this.run = run;
    const fromUs = Math.round(run.commandAtMs * 1000) - 200;
    const toUs = Math.round(run.simulatedMs * 1000);
    this.timeline = buildTimeline(run.sim.trace.entries, params.flow, fromUs, toUs);
    const inWindow = run.sim.trace.entries.filter((e) => e.t >= fromUs && (e.type === 'deliver' || e.type === 'drop' || (e.type === 'note' && e.kind === 'flow.step')));
    this.allEntries = inWindow;
    this.flowEntries = inWindow.filter((e) => isFlowEntry(e, run));
    this.playheadUs = fromUs;
    this.setAttribute('data-trace-hash', run.traceHash);
    this.setAttribute('data-seed', String(params.seed));
    this.setAttribute('data-ready', '');
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    cancelAnimationFrame(this.raf);
  }

  private tick = (now: number) => {
    if (!this.playing || !this.timeline) return;
    const dt = this.lastFrame ? now - this.lastFrame : 0;
    this.lastFrame = now;
    const next = Math.min(this.timeline.endUs, this.playheadUs + (dt / 1000) * this.speed);
    this.playheadUs = Math.round(next);
    if (next >= this.timeline.endUs) this.playing = false;
    else this.raf = requestAnimationFrame(this.tick);
  };

  play(): void {
    if (!this.timeline) return;
    if (this.playheadUs >= this.timeline.endUs) this.playheadUs = this.timeline.startUs;
    this.playing = true;
    this.lastFrame = 0;
    this.raf = requestAnimationFrame(this.tick);
  }

  pause(): void {
    this.playing = false;
    cancelAnimationFrame(this.raf);
  }

  step(dir: number): void {
    if (!this.timeline) return;
    this.pause();
    this.playheadUs = dir > 0 ? nextStop(this.timeline, this.playheadUs) : prevStop(this.timeline, this.playheadUs);
  }

  seek(us: number): void {
    this.pause();
    this.playheadUs = us;
  }

  /** Another flow or seed is another run: reload with it in the URL, so the URL always names the run. */
  navigate(flow: string, seed: number): void {
    if (typeof location === 'undefined') return;
    const q = new URLSearchParams(location.search);
    q.set('flow', flow);
    q.set('seed', String(Math.max(0, Math.trunc(seed) || 0)));
    location.search = q.toString();
  }

  get step_(): number {
    return this.timeline ? currentStep(this.timeline, this.playheadUs) : 0;
  }

  override updated(): void {
    this.setAttribute('data-step', String(this.step_));
    this.setAttribute('data-playhead-us', String(this.playheadUs));
    this.setAttribute('data-playing', String(this.playing));
  }

  override render() {
    if (this.error) return html`<div class="error" data-testid="error">kubelab: ${this.error}</div>`;
    if (this.live)
      return html`<header><h1>kubelab · live</h1><span class="sub">following \`lab serve\` at ${this.live} — run your own kubectl against it</span></header>
        <kl-live base=${this.live}></kl-live>`;
    const run = this.run!;
    const tl = this.timeline!;
    const cur = currentStep(tl, this.playheadUs);
    const curStep = tl.steps.find((s) => s.step === cur);
    const flights = inFlight(tl, this.playheadUs).filter(({ flight }) => this.showBackground || this.flowEntries.some((e) => e.i === flight.entry));
    const lastStep = tl.steps.length ? tl.steps[tl.steps.length - 1]!.step : Infinity;
    const printed = cur >= lastStep;
    const def = flowDef(run.flow);
    const selectedEntry = this.selected >= 0 ? run.sim.trace.entries[this.selected] : undefined;
    const origin = run.commandAtMs * 1000;
    return html`
      <header>
        <h1>kubelab · Tower Fleet</h1>
        <span class="sub">$ ${run.command} — ${def?.source ?? run.flow}, ${tl.steps.length} steps, k3s v1.33.5, seed ${run.seed}</span>
        <label
          >flow
          <select data-testid="flow" @change=${(e: Event) => this.navigate((e.target as HTMLSelectElement).value, run.seed)}>
            ${flowCommands().map((f) => html`<option value=${f} ?selected=${f === run.flow}>${f}</option>`)}
          </select></label
        >
        <label
          >seed
          <input data-testid="seed" type="number" min="0" style="width:6em" .value=${String(run.seed)} @change=${(e: Event) => this.navigate(run.flow, Number((e.target as HTMLInputElement).value))}
        /></label>
        <span class="hash">trace hash <code data-testid="trace-hash">${run.traceHash}</code></span>
      </header>
      <div class="grid">
        <div>
          <kl-topology .topology=${run.sim.built.topology} .flights=${flights} activeProcess=${curStep?.process ?? ''}></kl-topology>
          <div style="margin-top:10px">
            <kl-controls
              .startUs=${tl.startUs}
              .endUs=${tl.endUs}
              .playheadUs=${this.playheadUs}
              .playing=${this.playing}
              .speed=${this.speed}
              .originUs=${origin}
              @kl-play=${() => this.play()}
              @kl-pause=${() => this.pause()}
              @kl-step=${(e: CustomEvent<number>) => this.step(e.detail)}
              @kl-seek=${(e: CustomEvent<number>) => this.seek(e.detail)}
              @kl-speed=${(e: CustomEvent<number>) => (this.speed = e.detail)}
            ></kl-controls>
          </div>
          <div style="margin-top:10px">
            <h2>terminal</h2>
            <div class="terminal" data-testid="terminal">$ ${run.command}\n${printed ? run.output + run.stderr : ''}</div>
          </div>
        </div>
        <div>
          <div class="panel">
            <h2>steps</h2>
            <ol class="steps" data-testid="steps">
              ${tl.steps.map(
                (s) => html`<li class=${s.step === cur ? 'current' : s.step < cur ? 'done' : ''} data-step=${s.step} @click=${() => this.seek(s.tUs)}>
                  ${s.title} <span class="sub">— ${s.component}, +${((s.tUs - origin) / 1000).toFixed(3)} ms</span>
                </li>`,
              )}
            </ol>
            ${curStep ? html`<pre class="detail" data-testid="step-detail">${JSON.stringify(curStep.detail, null, 2)}</pre>` : html``}
          </div>
          <div style="margin-top:10px">
            <h2>
              events
              <label><input type="checkbox" data-testid="background" .checked=${this.showBackground} @change=${(e: Event) => (this.showBackground = (e.target as HTMLInputElement).checked)} /> show background traffic (lease renewals)</label>
            </h2>
            <kl-event-list
              .entries=${this.showBackground ? this.allEntries : this.flowEntries}
              .playheadUs=${this.playheadUs}
              .selected=${this.selected}
              .originUs=${origin}
              @kl-select=${(e: CustomEvent<number>) => (this.selected = e.detail)}
            ></kl-event-list>
            ${selectedEntry ? html`<pre class="detail panel" data-testid="message-detail">${JSON.stringify(selectedEntry, null, 2)}</pre>` : html``}
          </div>
        </div>
      </div>
    `;
  }
}

/** The flow's own messages: those carrying its trace context, and etcd replies to its requests. */
export function isFlowEntry(e: TraceEntry, run: FlowRun): boolean {
  if (e.type === 'note') return e.kind === 'flow.step';
  const first = run.steps[0];
  const traceId = first ? ((run.sim.trace.entries[first.traceIndex]?.data as { traceId?: string })?.traceId ?? '') : '';
  const d = e.data as { trace?: { traceId?: string }; reqId?: string } | undefined;
  if (d?.trace?.traceId === traceId) return true;
  if (d?.reqId && e.kind.endsWith('.reply')) {
    return run.sim.trace.entries.some((x) => x.type === 'deliver' && x.to === e.from && (x.data as { reqId?: string; trace?: { traceId?: string } })?.reqId === d.reqId && (x.data as { trace?: { traceId?: string } })?.trace?.traceId === traceId);
  }
  return false;
}

customElements.define('kl-app', KlApp);
