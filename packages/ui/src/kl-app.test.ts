import { describe, expect, it } from 'vitest';
import { parseParams } from './kl-app';
import { parseLiveUrl } from './live-feed';

describe('URL parameters', () => {
  it('defaults to the kubectl-get-pods flow, seed 1', () => {
    expect(parseParams('')).toEqual({ seed: 1, flow: 'kubectl-get-pods' });
    expect(parseParams('?seed=42')).toEqual({ seed: 42, flow: 'kubectl-get-pods' });
  });
  it.each([
    ['?seed=-3', 'seed: Invalid value: "-3": must be a non-negative integer'],
    ['?seed=1e3', 'seed: Invalid value: "1e3"'],
    ['?flow=rm-rf', 'flow: Invalid value: "rm-rf": must be one of'],
    ['?live=https://example.com', 'live: Invalid value: "https://example.com": must be http:// on 127.0.0.1 or localhost'],
    ['?live=nonsense', 'live: Invalid value: "nonsense": must be a URL'],
  ])('%s is refused, naming the parameter', (q, msg) => {
    expect(() => parseParams(q)).toThrow(msg);
  });
  it('accepts a loopback live feed', () => {
    expect(parseLiveUrl('http://127.0.0.1:7443/')).toBe('http://127.0.0.1:7443');
    expect(parseLiveUrl('http://localhost:9')).toBe('http://localhost:9');
  });
});
