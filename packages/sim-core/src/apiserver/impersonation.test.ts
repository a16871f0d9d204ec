import { describe, expect, it } from 'vitest';
import { impersonation } from './impersonation';

const admin = { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] };

describe('impersonation headers', () => {
  it('no headers: nothing to do', () => {
    expect(impersonation(admin, { Accept: 'application/json' }, '/api/v1/pods')).toEqual({ kind: 'none' });
  });

  it('--as bob --as-group devs: checks impersonate on users/bob and groups/devs; bob is also system:authenticated', () => {
    const r = impersonation(admin, { 'Impersonate-User': 'bob', 'Impersonate-Group': 'devs' }, '/api/v1/pods');
    expect(r.kind).toBe('ok');
    if (r.kind !== 'ok') return;
    expect(r.user).toEqual({ username: 'bob', groups: ['devs', 'system:authenticated'] });
    expect(r.checks.map((c) => [c.verb, c.resource, c.name, c.apiGroup, c.namespace])).toEqual([
      ['impersonate', 'users', 'bob', '', ''],
      ['impersonate', 'groups', 'devs', '', ''],
    ]);
  });

  it('a ServiceAccount is checked as serviceaccounts in its namespace and gets the serviceaccount groups', () => {
    const r = impersonation(admin, { 'Impersonate-User': 'system:serviceaccount:kube-system:deployment-controller' }, '/api/v1/pods');
    if (r.kind !== 'ok') throw new Error(r.kind);
    expect(r.checks[0]).toMatchObject({ resource: 'serviceaccounts', name: 'deployment-controller', namespace: 'kube-system' });
    expect(r.user.groups).toEqual(['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated']);
  });

  it('system:anonymous is not made authenticated', () => {
    const r = impersonation(admin, { 'Impersonate-User': 'system:anonymous' }, '/');
    if (r.kind !== 'ok') throw new Error(r.kind);
    expect(r.user.groups).toEqual([]);
  });

  it('groups without a user are refused', () => {
    expect(impersonation(admin, { 'Impersonate-Group': 'devs' }, '/').kind).toBe('bad-request');
  });
});
