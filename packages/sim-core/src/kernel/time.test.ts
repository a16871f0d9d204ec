import { describe, expect, it } from 'vitest';
import { FieldError, formatDuration, parseDuration } from './time';

describe('parseDuration', () => {
  it.each([
    ['30s', 30_000_000],
    ['500ms', 500_000],
    ['10m', 600_000_000],
    ['1m30s', 90_000_000],
    ['1h', 3_600_000_000],
    ['250us', 250],
    ['1.5s', 1_500_000],
  ])('%s = %d µs', (text, us) => expect(parseDuration(text)).toBe(us));

  it.each(['', '30', 's', '3x', '10s junk', '-1s'])('rejects %j naming the field and value', (text) => {
    expect(() => parseDuration(text, '--for')).toThrow(FieldError);
    expect(() => parseDuration(text, '--for')).toThrow(`--for: Invalid value: ${JSON.stringify(text)}`);
  });

  it('formats like Go durations', () => {
    expect(formatDuration(90_000_000)).toBe('1m30s');
    expect(formatDuration(1_500)).toBe('1.5ms');
    expect(formatDuration(0)).toBe('0s');
  });
});
