/**
 * Playback controls: restart, step back, play/pause, step forward, a seek slider over the run's
 * simulated time, and speed (simulated time per second of wall clock). Properties down, events up:
 * it fires `kl-play`, `kl-pause`, `kl-step` (detail: +1 or -1), `kl-seek` (detail: µs), `kl-speed`.
 */
import { LitElement, css, html } from 'lit';
import { theme } from './styles';

export const SPEEDS: { label: string; usPerSecond: number }[] = [
  { label: '1 ms/s', usPerSecond: 1_000 },
  { label: '2 ms/s', usPerSecond: 2_000 },
  { label: '5 ms/s', usPerSecond: 5_000 },
  { label: '20 ms/s', usPerSecond: 20_000 },
  { label: '100 ms/s', usPerSecond: 100_000 },
];

export class KlControls extends LitElement {
  static override properties = {
    startUs: { type: Number },
    endUs: { type: Number },
    playheadUs: { type: Number },
    playing: { type: Boolean },
    speed: { type: Number },
    originUs: { type: Number },
  };
  declare originUs: number;
  declare startUs: number;
  declare endUs: number;
  declare playheadUs: number;
  declare playing: boolean;
  declare speed: number;

  static override styles = [
    theme,
    css`
      .bar {
        display: flex;
        gap: 8px;
        align-items: center;
        padding: 8px 12px;
        background: var(--kl-panel);
        border: 1px solid var(--kl-border);
        border-radius: 6px;
      }
      input[type='range'] {
        flex: 1;
      }
      .time {
        font-variant-numeric: tabular-nums;
        min-width: 130px;
        text-align: right;
      }
    `,
  ];

  constructor() {
    super();
    this.startUs = 0;
    this.endUs = 0;
    this.playheadUs = 0;
    this.playing = false;
    this.speed = 2_000;
    this.originUs = 0;
  }

  private fire(name: string, detail?: unknown) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  override render() {
    const d = (this.playheadUs - this.originUs) / 1000;
    const t = `${d < 0 ? '−' : '+'}${Math.abs(d).toFixed(3)}`;
    return html`<div class="bar">
      <button data-testid="restart" title="back to the start" @click=${() => this.fire('kl-seek', this.startUs)}>↺ start</button>
      <button data-testid="step-back" title="previous step" @click=${() => this.fire('kl-step', -1)}>◀ step</button>
      ${this.playing
        ? html`<button data-testid="pause" @click=${() => this.fire('kl-pause')}>⏸ pause</button>`
        : html`<button data-testid="play" @click=${() => this.fire('kl-play')}>▶ play</button>`}
      <button data-testid="step-forward" title="next step" @click=${() => this.fire('kl-step', 1)}>step ▶</button>
      <input
        data-testid="seek"
        type="range"
        min=${this.startUs}
        max=${this.endUs}
        step="1"
        .value=${String(this.playheadUs)}
        @input=${(e: Event) => this.fire('kl-seek', Number((e.target as HTMLInputElement).value))}
      />
      <span class="time" data-testid="clock">${t} ms</span>
      <select data-testid="speed" @change=${(e: Event) => this.fire('kl-speed', Number((e.target as HTMLSelectElement).value))}>
        ${SPEEDS.map((s) => html`<option value=${s.usPerSecond} ?selected=${s.usPerSecond === this.speed}>${s.label}</option>`)}
      </select>
    </div>`;
  }
}
customElements.define('kl-controls', KlControls);
