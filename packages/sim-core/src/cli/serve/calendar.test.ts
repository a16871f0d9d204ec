import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarShiftMs, shiftTimes, shiftTimestamp } from './calendar';

describe("lab serve's calendar shift", () => {
  const day = 24 * 3600_000;
  it('moves Time and MicroTime strings by whole seconds, keeps the fraction, leaves everything else', () => {
    expect(shiftTimestamp('2025-11-09T12:00:06Z', 392 * day)).toBe('2026-12-06T12:00:06Z');
    expect(shiftTimestamp('2025-11-09T12:00:06.123456Z', 392 * day)).toBe('2026-12-06T12:00:06.123456Z');
    expect(shiftTimestamp('2025-11-09 12:00:06', 392 * day)).toBe('2025-11-09 12:00:06');
    expect(shiftTimestamp('nginx:1.27', 392 * day)).toBe('nginx:1.27');
    const obj = { metadata: { name: 'web', creationTimestamp: '2025-11-09T12:00:06Z', labels: { at: '2025-11-09T12:00:06Z' } }, events: [{ eventTime: '2025-11-09T12:00:07.000001Z', count: 3, note: null }] };
    const out = shiftTimes(obj, 1000);
    expect(out).toEqual({ metadata: { name: 'web', creationTimestamp: '2025-11-09T12:00:07Z', labels: { at: '2025-11-09T12:00:07Z' } }, events: [{ eventTime: '2025-11-09T12:00:08.000001Z', count: 3, note: null }] });
    expect(obj.metadata.creationTimestamp).toBe('2025-11-09T12:00:06Z'); // the input is not changed
  });
  it('the shift is whole seconds and a round trip gives back every value', () => {
    expect(calendarShiftMs(Date.UTC(2026, 11, 6, 14, 0, 0, 700), Date.UTC(2025, 10, 9, 12, 0, 1, 0)) % 1000).toBe(0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000 }), fc.integer({ min: -400, max: 400 }), fc.option(fc.integer({ min: 0, max: 999_999 })), (sec, days, micros) => {
        const ts = `${new Date(sec * 1000).toISOString().slice(0, 19)}${micros === null ? '' : `.${String(micros).padStart(6, '0')}`}Z`;
        const d = days * day + 17_000;
        expect(shiftTimestamp(shiftTimestamp(ts, d), -d)).toBe(ts);
        expect(Date.parse(shiftTimestamp(ts, d)) - Date.parse(ts)).toBe(d);
      }),
    );
  });
});
