import { describe, expect, it } from 'vitest';
import { tabwrite } from './tabwriter';

describe('tabwriter (kubectl settings: minwidth 6, padding 3)', () => {
  it('pads each column to its widest cell + 3, last cell unpadded', () => {
    expect(tabwrite('NAME\tREADY\tSTATUS\nhello\t1/1\tRunning\n')).toBe('NAME    READY   STATUS\nhello   1/1     Running\n');
  });
  it('minimum width 6', () => {
    expect(tabwrite('A\tB\nx\ty\n')).toBe('A     B\nx     y\n');
  });
  it('matches kubectl\'s measured output for get pods', () => {
    expect(tabwrite('NAME\tREADY\tSTATUS\tRESTARTS\tAGE\nhello\t1/1\tRunning\t0\t10m\n')).toBe('NAME    READY   STATUS    RESTARTS   AGE\nhello   1/1     Running   0          10m\n');
  });
});
