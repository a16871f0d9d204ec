// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import './kl-controls';

async function mount(props: Record<string, unknown>) {
  const el = document.createElement('kl-controls') as any;
  Object.assign(el, props);
  document.body.appendChild(el);
  await el.updateComplete;
  return el;
}

describe('kl-controls', () => {
  it('fires play, step and seek events upward', async () => {
    const el = await mount({ startUs: 100, endUs: 900, playheadUs: 300, originUs: 200 });
    const got: string[] = [];
    for (const n of ['kl-play', 'kl-step', 'kl-seek']) el.addEventListener(n, (e: CustomEvent) => got.push(`${n}:${e.detail ?? ''}`));
    el.shadowRoot.querySelector('[data-testid=play]').click();
    el.shadowRoot.querySelector('[data-testid=step-back]').click();
    el.shadowRoot.querySelector('[data-testid=step-forward]').click();
    el.shadowRoot.querySelector('[data-testid=restart]').click();
    expect(got).toEqual(['kl-play:', 'kl-step:-1', 'kl-step:1', 'kl-seek:100']);
  });

  it('shows simulated time relative to the origin, and pause while playing', async () => {
    const el = await mount({ startUs: 0, endUs: 5000, playheadUs: 1234, originUs: 1000, playing: true });
    expect(el.shadowRoot.querySelector('[data-testid=clock]').textContent).toBe('+0.234 ms');
    expect(el.shadowRoot.querySelector('[data-testid=pause]')).not.toBeNull();
    el.playheadUs = 500;
    await el.updateComplete;
    expect(el.shadowRoot.querySelector('[data-testid=clock]').textContent).toBe('−0.500 ms');
  });
});
