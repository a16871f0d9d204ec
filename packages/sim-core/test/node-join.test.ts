/**
 * A node joins Tower Fleet with the k3s join token (the seed's "Add a Worker Node"): the agent's
 * CA hash check, the supervisor's authentication and node passwords, the kubelet's registration,
 * node-ipam's /24, flannel and the Ready condition, and the scheduler using the node — plus what a
 * learner breaks: a wrong password, a token for another cluster's CA, a reinstalled node whose
 * password no longer matches, a bare password without CA hash.
 */
import { createHash as nodeHash, scryptSync } from 'node:crypto';
import fc from 'fast-check';
import { request as httpsRequest } from 'node:https';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../src/cli/commands/serve';
import { runAddWorker } from '../src/flows/add-worker';
import { Simulation } from '../src/kernel/simulation';
import { seconds } from '../src/kernel/time';
import type { TraceEntry } from '../src/kernel/trace';
import { allocateNext, newCidrSet, occupy, release } from '../src/controllers/node-ipam';
import { createHash, NODE_PASSWORD_REJECTED, verifyHash } from '../src/k3s/node-password';
import { isSupervisorPath } from '../src/k3s/supervisor';
import { NODE_PASSWORDS, NODE_TOKEN, SERVER_CA_PEM, SERVER_TOKEN_PASSWORD } from '../src/scenarios/tower-fleet-pki';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../..', import.meta.url));
const run = (args: string[]) => {
  const r = spawnSync(join(repo, 'node_modules', '.bin', 'tsx'), [join(repo, 'packages/sim-core/src/cli/main.ts'), ...args], { cwd: repo, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

const CA_HASH = nodeHash('sha256').update(SERVER_CA_PEM).digest('hex');
const install = (token: string, name = 'k3s-worker-3', ip = '10.89.97.204') => ({ atUs: seconds(1), type: 'host' as const, kind: 'k3s-agent-install', payload: { name, ip, serverURL: 'https://10.89.97.201:6443', token } });
const notes = (sim: Simulation, kind: string) => sim.trace.entries.filter((e): e is TraceEntry => e.type === 'note' && e.kind === kind);
const agentLog = (sim: Simulation) => notes(sim, 'k3s.agent-log').map((e) => (e.data as { msg: string }).msg);

describe('lab flow add-worker (the seed\'s Add a Worker Node)', () => {
  const r = runAddWorker({ seed: 1 });

  it('the node token is K10 + sha256 of the CA bundle /cacerts serves, then ::server:<password>', () => {
    expect(NODE_TOKEN).toBe(`K10${CA_HASH}::server:${SERVER_TOKEN_PASSWORD}`);
    expect(r.install).toBe(`curl -sfL https://get.k3s.io | K3S_URL=https://10.89.97.201:6443 K3S_TOKEN=${NODE_TOKEN} sh -`);
  });

  it("goes through the seed's four steps in order, and the node is Ready within 30 s", () => {
    const firstOf = (n: number) => r.steps.find((s) => s.step === n)!;
    for (const n of [0, 1, 2, 3, 4]) expect(firstOf(n), `step ${n}`).toBeDefined();
    for (const n of [1, 2, 3, 4]) expect(firstOf(n).atMs).toBeGreaterThanOrEqual(firstOf(n - 1).atMs);
    expect(firstOf(1).detail).toMatchObject({ url: 'https://127.0.0.1:6444/cacerts', caHash: CA_HASH });
    expect(r.readyAfterMs).not.toBeNull();
    expect(r.readyAfterMs!).toBeLessThan(30_000);
    expect(r.steps.find((s) => s.title === 'Node gets its pod CIDR')!.detail).toEqual({ node: 'k3s-worker-3', podCIDR: '10.42.3.0/24' });
    expect(r.steps.find((s) => s.title === 'Kubelet client certificate issued')!.detail).toMatchObject({ certificate: { CN: 'system:node:k3s-worker-3', O: ['system:nodes'] } });
  });

  it('the scheduler puts a pod of a new Deployment on the new node; kubectl get nodes shows it Ready', () => {
    expect(r.placements.map((p) => p.node).sort()).toEqual(['k3s-master', 'k3s-worker-1', 'k3s-worker-2', 'k3s-worker-3']);
    expect(r.steps.find((s) => s.step === 4)!.detail).toMatchObject({ node: 'k3s-worker-3' });
    expect(r.output).toMatch(/^k3s-worker-3\s+Ready\s+<none>\s+\d+s\s+v1\.33\.5\+k3s1\s+10\.89\.97\.204\s/m);
    expect(r.output.split('\n').filter((l) => /\sReady\s/.test(l))).toHaveLength(4);
  });

  it('the node password Secret exists once, and the join wrote what a real join writes', () => {
    expect(notes(r.sim, 'k3s.node-password-created').map((e) => e.data)).toEqual([{ node: 'k3s-worker-3', secret: 'kube-system/k3s-worker-3.node-password.k3s' }]);
    expect(notes(r.sim, 'k3s.node-password-verified')).toHaveLength(1);
    const paths = notes(r.sim, 'k3s.supervisor-request').map((e) => (e.data as { path: string }).path);
    expect(paths).toEqual(['/cacerts', '/v1-k3s/config', '/v1-k3s/client-ca.crt', '/v1-k3s/server-ca.crt', '/v1-k3s/serving-kubelet.crt', '/v1-k3s/client-kubelet.crt', '/v1-k3s/client-kube-proxy.crt', '/v1-k3s/client-k3s-controller.crt', '/v1-k3s/readyz']);
  });

  it("records the Node's events as the kubelet and the node controller do (describe node shows them)", () => {
    const reasons = notes(r.sim, 'kubelet.event').filter((e) => (e.data as { node?: string }).node === 'k3s-worker-3').map((e) => (e.data as { reason: string }).reason);
    expect(reasons).toEqual(['Starting', 'NodeAllocatableEnforced', 'NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID', 'NodeReady']);
    expect(notes(r.sim, 'node-lifecycle.registered').map((e) => e.data)).toEqual([{ node: 'k3s-worker-3', message: 'Node k3s-worker-3 event: Registered Node k3s-worker-3 in Controller' }]);
  });

  it('is deterministic: the same seed gives the same trace hash; another seed another', () => {
    expect(runAddWorker({ seed: 1 }).traceHash).toBe(r.traceHash);
    expect(runAddWorker({ seed: 2 }).traceHash).not.toBe(r.traceHash);
  });
});

describe('joining with a bad token', () => {
  it('a wrong password: the supervisor answers 401 and the agent retries every 5–10 s, never registering', () => {
    const sim = new Simulation('tower-fleet', { seed: 3, inputs: [install(`K10${CA_HASH}::server:wrong`)] });
    sim.runUntil(seconds(40));
    const failures = notes(sim, 'k3s.join-step').filter((e) => (e.data as { ok: boolean }).ok === false);
    expect(failures.length).toBeGreaterThanOrEqual(4);
    for (const f of failures) expect(f.data).toMatchObject({ step: 'config', status: 401, error: 'failed to retrieve configuration from server: https://127.0.0.1:6444/v1-k3s/config: 401 Unauthorized' });
    for (let i = 1; i < failures.length; i++) {
      const gap = failures[i]!.t - failures[i - 1]!.t;
      expect(gap).toBeGreaterThanOrEqual(seconds(5));
      expect(gap).toBeLessThanOrEqual(seconds(10) + 10_000);
    }
    expect(agentLog(sim)).toContain('Waiting to retrieve agent configuration; server is not ready: failed to retrieve configuration from server: https://127.0.0.1:6444/v1-k3s/config: 401 Unauthorized');
    expect(notes(sim, 'kubelet.registered')).toHaveLength(0);
  });

  it("another cluster's CA hash: the agent refuses the server before sending credentials, retrying every 2 s", () => {
    const other = 'a'.repeat(64);
    const sim = new Simulation('tower-fleet', { seed: 3, inputs: [install(`K10${other}::server:${SERVER_TOKEN_PASSWORD}`)] });
    sim.runUntil(seconds(10));
    const paths = notes(sim, 'k3s.supervisor-request').map((e) => (e.data as { path: string }).path);
    expect(new Set(paths)).toEqual(new Set(['/cacerts']));
    expect(paths.length).toBe(5); // 1 s, 3 s, 5 s, 7 s, 9 s
    expect(agentLog(sim)).toContain(`token CA hash does not match the Cluster CA certificate hash: ${other} != ${CA_HASH}`);
  });

  it('a malformed token stops the agent with k3s\'s parse error', () => {
    const sim = new Simulation('tower-fleet', { seed: 3, inputs: [install(`K10${'b'.repeat(10)}::server:x`)] });
    sim.runUntil(seconds(5));
    expect(agentLog(sim)).toContain('invalid token CA hash length');
    expect(notes(sim, 'k3s.supervisor-request')).toHaveLength(0);
  });

  it('a bare password (no CA hash) still joins, with k3s\'s warning that the CA is not checked', () => {
    const sim = new Simulation('tower-fleet', { seed: 3, inputs: [install(SERVER_TOKEN_PASSWORD)] });
    sim.runUntil(seconds(15));
    expect(agentLog(sim).some((l) => l.startsWith('Cluster CA certificate is not trusted by the host CA bundle, but the token does not include a CA hash.'))).toBe(true);
    expect(notes(sim, 'kubelet.node-status').some((e) => (e.data as { node: string }).node === 'k3s-worker-3')).toBe(true);
  });

  it('a reinstalled node (new /etc/rancher/node/password, same name) is refused: 403, "Node password rejected…"', () => {
    const sim = new Simulation('tower-fleet', { seed: 4, inputs: [install(NODE_TOKEN)] });
    sim.runUntil(seconds(20));
    expect(notes(sim, 'kubelet.registered')).toHaveLength(1);
    const agent = 'k3s-worker-3/k3s-agent';
    sim.addInput({ atUs: seconds(21), type: 'fault', fault: { kind: 'kill', target: agent } });
    sim.addInput({ atUs: seconds(21), type: 'fault', fault: { kind: 'wipe', target: agent } });
    sim.addInput({ atUs: seconds(22), type: 'fault', fault: { kind: 'restart', target: agent } });
    sim.runUntil(seconds(35));
    const refused = notes(sim, 'k3s.join-step').filter((e) => (e.data as { ok: boolean; status?: number }).status === 403);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0]!.data).toMatchObject({ step: 'serving-cert', error: NODE_PASSWORD_REJECTED });
    expect(notes(sim, 'k3s.supervisor-error').some((e) => (e.data as { status: number; error: string }).status === 403 && (e.data as { error: string }).error === "unable to verify hash for node 'k3s-worker-3': hash does not match")).toBe(true);
  });

  it("a second machine taking an existing node's name (k3s-worker-2 at 10.89.97.205): refused with the duplicate-hostname message", () => {
    const r = runAddWorker({ seed: 6, name: 'k3s-worker-2', ip: '10.89.97.205', forUs: seconds(15) });
    expect(r.readyAfterMs).toBeNull();
    expect(r.agentLog.some((l) => l.endsWith(`] Waiting to retrieve agent configuration; server is not ready: ${NODE_PASSWORD_REJECTED}`))).toBe(true);
    expect(notes(r.sim, 'k3s.supervisor-error').map((e) => e.data)).toContainEqual({ path: '/v1-k3s/serving-kubelet.crt', status: 403, error: "unable to verify hash for node 'k3s-worker-2': hash does not match" });
    expect(notes(r.sim, 'kubelet.registered')).toHaveLength(0);
    // The original k3s-worker-2 is untouched.
    expect(r.output).toMatch(/^k3s-worker-2\s+Ready\s+<none>\s+3d2h\s+v1\.33\.5\+k3s1\s+10\.89\.97\.203\s/m);
  });

  it("the bootstrap nodes' node-password Secrets hold scrypt hashes of their passwords", () => {
    for (const [node, { password, hash }] of Object.entries(NODE_PASSWORDS)) {
      expect(verifyHash(hash, password), node).toBeNull();
      expect(verifyHash(hash, `${password}x`), node).toBe('hash does not match');
    }
  });

  it('seeking back before the join and forward again lands on the same state (the install replays)', () => {
    const a = new Simulation('tower-fleet', { seed: 5, inputs: [install(NODE_TOKEN)], checkpointEveryUs: seconds(2) });
    a.runUntil(seconds(12));
    const straight = a.traceHash();
    a.seek(seconds(0.5));
    a.runUntil(seconds(12));
    expect(a.traceHash()).toBe(straight);
    a.seek(seconds(7));
    a.runUntil(seconds(12));
    expect(a.traceHash()).toBe(straight);
  });
});

describe('the k3s supervisor', () => {
  it('matches its own routes only: everything else under /v1-k3s goes on to kube-apiserver', () => {
    for (const p of ['/cacerts', '/ping', '/v1-k3s/config', '/v1-k3s/client-kubelet.crt?x=1', '/v1-k3s/readyz']) expect(isSupervisorPath(p), p).toBe(true);
    for (const p of ['/v1-k3s/connect', '/v1-k3s/server-bootstrap', '/v1-k3s/nope', '/api/v1/nodes', '/cacertsx']) expect(isSupervisorPath(p), p).toBe(false);
  });
});

describe('the supervisor over real HTTPS (lab serve)', () => {
  let dir = '';
  let close: () => Promise<void> = async () => {};
  let port = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubelab-supervisor-'));
    const s = await startServe({ scenario: 'tower-fleet', seed: 1, port: 0, kubeconfig: join(dir, 'kubeconfig'), speed: 1, quiet: true });
    port = s.port;
    close = async () => {
      await s.server.close();
      await s.feed.close();
    };
  });
  afterAll(async () => {
    await close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  // The agent's first request: no CA to check the server with yet (InsecureSkipVerify), as k3s does.
  const get = (path: string, auth?: string) =>
    new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port, path, method: 'GET', rejectUnauthorized: false, ...(auth ? { auth } : {}) }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('/cacerts is the CA bundle whose SHA-256 is the node token\'s K10 hash; /ping is pong', async () => {
    const ca = await get('/cacerts');
    expect(ca.status).toBe(200);
    expect(ca.type).toBe('text/plain');
    expect(nodeHash('sha256').update(ca.body).digest('hex')).toBe(NODE_TOKEN.slice(3, 67));
    expect((await get('/ping')).body).toBe('pong');
  });

  it('/v1-k3s/config: 200 for node:<token password>, 401 for a wrong one, 403 for the server user or none', async () => {
    const ok = await get('/v1-k3s/config', `node:${SERVER_TOKEN_PASSWORD}`);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toMatchObject({ ClusterDNS: '10.43.0.10', FlannelBackend: 'vxlan', HTTPSPort: 6443 });
    expect(await get('/v1-k3s/config', 'node:wrong')).toMatchObject({ status: 401, body: 'not authorized' });
    expect(await get('/v1-k3s/config', `server:${SERVER_TOKEN_PASSWORD}`)).toMatchObject({ status: 403, body: 'forbidden' });
    expect(await get('/v1-k3s/config')).toMatchObject({ status: 403, body: 'forbidden' });
    // Without the node name and password headers the kubelet certificate is refused (400).
    expect(await get('/v1-k3s/client-kubelet.crt', `node:${SERVER_TOKEN_PASSWORD}`)).toMatchObject({ status: 400, body: 'node name not set' });
  });
});

describe('node passwords (scrypt, k3s format)', () => {
  it('createHash is scrypt N=2^15 r=8 p=1 with a 64-byte key, as node:crypto computes it', () => {
    const salt = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const h = createHash('s3cret', salt);
    const dk = scryptSync('s3cret', Buffer.from(salt), 64, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    expect(h).toBe(`$1:0102030405060708:15:8:1:${dk.toString('base64').replace(/=+$/, '')}`);
    expect(verifyHash(h, 's3cret')).toBeNull();
    expect(verifyHash(h, 's3cret!')).toBe('hash does not match');
    expect(verifyHash(h.replace('$1:', '$2:'), 's3cret')).toBe('hash version 2 does not match package version 1');
  });
});

describe('node IPAM range allocator', () => {
  it('gives the first free /24 after the occupied ones, wraps, and reports exhaustion', () => {
    const set = newCidrSet('10.42.0.0/16', 24);
    for (const c of ['10.42.0.0/24', '10.42.1.0/24', '10.42.2.0/24']) occupy(set, c);
    expect(allocateNext(set)).toBe('10.42.3.0/24');
    expect(allocateNext(set)).toBe('10.42.4.0/24');
    release(set, '10.42.3.0/24');
    expect(allocateNext(set)).toBe('10.42.5.0/24'); // nextCandidate moves on; 3 comes back after the wrap
    const small = newCidrSet('10.42.0.0/23', 24);
    expect([allocateNext(small), allocateNext(small), allocateNext(small)]).toEqual(['10.42.0.0/24', '10.42.1.0/24', null]);
  });

  it('property: allocations are distinct, inside the cluster CIDR, never an occupied /24', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { maxLength: 40 }), fc.array(fc.constantFrom('alloc', 'release'), { minLength: 1, maxLength: 300 }), (occupied, ops) => {
        const set = newCidrSet('10.42.0.0/16', 24);
        for (const i of occupied) occupy(set, `10.42.${i}.0/24`);
        const held = new Set(occupied.map((i) => `10.42.${i}.0/24`));
        const mine: string[] = [];
        for (const op of ops) {
          if (op === 'release' && mine.length > 0) {
            const c = mine.shift()!;
            release(set, c);
            held.delete(c);
            continue;
          }
          const c = allocateNext(set);
          if (held.size === 256) expect(c).toBeNull();
          if (c === null) {
            expect(held.size).toBe(256);
            continue;
          }
          expect(c).toMatch(/^10\.42\.(\d+)\.0\/24$/);
          expect(held.has(c)).toBe(false);
          held.add(c);
          mine.push(c);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('lab flow add-worker: bad input names the field and value', () => {
  it('an address already in use, a bad name, a foreign scenario', () => {
    let r = run(['flow', 'add-worker', '--node-ip', '10.89.97.202']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--ip: Invalid value: "10.89.97.202": address already in use on the node network');
    r = run(['flow', 'add-worker', '--node-name', 'Worker_3']);
    expect(r.stderr).toContain('--name: Invalid value: "Worker_3": a lowercase RFC 1123 label');
    r = run(['flow', 'add-worker', '--node-ip', '192.168.1.5']);
    expect(r.stderr).toContain('--ip: Invalid value: "192.168.1.5": must be an address of the node network 10.89.97.0/24');
    r = run(['flow', 'kubectl-get-pods', '--token', 'x']);
    expect(r.stderr).toContain('--node-name, --node-ip and --token belong to the add-worker flow');
  });

  it('lab serve --add-worker: a malformed or clashing machine is refused before anything listens', () => {
    let r = run(['serve', '--port', '0', '--add-worker', 'k3s-worker-3']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--add-worker: Invalid value: "k3s-worker-3": must be name=ip, e.g. k3s-worker-3=10.89.97.204');
    r = run(['serve', '--port', '0', '--add-worker', 'k3s-worker-3=10.89.97.202']);
    expect(r.stderr).toContain('--add-worker: Invalid value: "10.89.97.202": address already in use on the node network');
    r = run(['serve', '--port', '0', '--add-worker', 'k3s-worker-3=10.89.97.204', '--add-worker-at', 'soon']);
    expect(r.stderr).toContain('--add-worker-at');
  });

  it('-o json carries the steps, readyAfterMs and the trace hash', () => {
    const r = run(['flow', 'add-worker', '--seed', '1', '-o', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.node).toBe('k3s-worker-3');
    expect(j.readyAfterMs).toBeLessThan(30_000);
    expect(j.steps.map((s: { step: number }) => s.step)).toEqual([0, 1, 2, 2, 2, 3, 3, 3, 3, 4]);
    expect(j.traceHash).toMatch(/^[0-9a-f]{64}$/);
  });
});
