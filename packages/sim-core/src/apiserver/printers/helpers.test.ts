import { describe, expect, it } from 'vitest';
import { formatLabelSelector, formatLabels, goTrimSpace, isQualifiedName, isValidLabelValue, joinHostPort, labelSelectorString, layoutContainerCells, listWithMoreString } from './helpers';
import { translateTimestampSince } from './human-duration';

// After k8s.io/apimachinery labels/selector_test.go, meta/v1/helpers_test.go and
// util/validation/validation_test.go, for the cases the printers rely on.
describe('printer helpers', () => {
  it('formatLabels sorts the "k=v" strings (not the keys) and prints <none> when empty', () => {
    expect(formatLabels({ 'a-b': '1', a: '2' })).toBe('a-b=1,a=2');
    expect(formatLabels({ foo: 'bar', baz: 'blah' })).toBe('baz=blah,foo=bar');
    expect(formatLabels({})).toBe('<none>');
    expect(formatLabels(undefined)).toBe('<none>');
  });

  it('label selectors: requirement strings sorted by key, values sorted, operators as the parser spells them', () => {
    expect(labelSelectorString({ matchLabels: { foo: 'bar', baz: 'blah' } })).toBe('baz=blah,foo=bar');
    expect(labelSelectorString({ matchExpressions: [{ key: 'foo', operator: 'In', values: ['baz', 'bar'] }] })).toBe('foo in (bar,baz)');
    expect(labelSelectorString({ matchExpressions: [{ key: 'foo', operator: 'NotIn', values: ['bar'] }, { key: 'baz', operator: 'Exists' }] })).toBe('baz,foo notin (bar)');
    expect(labelSelectorString({ matchExpressions: [{ key: 'foo', operator: 'DoesNotExist' }] })).toBe('!foo');
    expect(formatLabelSelector(null)).toBe('<none>');
    expect(formatLabelSelector({ matchLabels: {} })).toBe('<none>');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'foo', operator: 'Exists', values: ['x'] }] })).toBe('<error>');
    expect(formatLabelSelector({ matchExpressions: [{ key: 'foo', operator: 'Gt', values: ['1'] }] })).toBe('<error>');
    expect(formatLabelSelector({ matchLabels: { foo: 'a b' } })).toBe('<error>');
  });

  it('qualified names and label values', () => {
    for (const ok of ['simple', 'now-with-dashes', '1-starts-with-num', 'example.com/MixedCase', 'app.kubernetes.io/name', 'a/b', `${'a'.repeat(63)}`]) expect(isQualifiedName(ok)).toBe(true);
    for (const bad of ['', '/simple', 'nospecialchars%^=@', 'Tama-nui-te-rā.com/ʇʇ', 'a/b/c', 'Example.com/x', `${'a'.repeat(64)}`, '-start', 'end-']) expect(isQualifiedName(bad)).toBe(false);
    expect(isValidLabelValue('')).toBe(true);
    expect(isValidLabelValue('kube-dns')).toBe(true);
    expect(isValidLabelValue('a'.repeat(64))).toBe(false);
    expect(isValidLabelValue('has space')).toBe(false);
  });

  it('containers, lists, host:port, TrimSpace, zero times', () => {
    expect(layoutContainerCells([{ name: 'a', image: 'x:1' }, { name: 'b', image: 'y:2' }])).toEqual(['a,b', 'x:1,y:2']);
    expect(layoutContainerCells(undefined)).toEqual(['', '']);
    expect(listWithMoreString([], false, 0, 3)).toBe('<unset>');
    expect(listWithMoreString(['a', 'b', 'c'], true, 5, 3)).toBe('a,b,c + 2 more...');
    expect(joinHostPort('10.42.1.5', '80')).toBe('10.42.1.5:80');
    expect(joinHostPort('fd00::5', '80')).toBe('[fd00::5]:80');
    expect(goTrimSpace('\u0085 msg \n')).toBe('msg');
    expect(goTrimSpace('\uFEFFmsg')).toBe('\uFEFFmsg');
    expect(translateTimestampSince('0001-01-01T00:00:00Z', 0)).toBe('<unknown>');
    expect(translateTimestampSince(null, 0)).toBe('<unknown>');
  });
});
