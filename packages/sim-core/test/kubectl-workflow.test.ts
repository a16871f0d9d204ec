/**
 * Real kubectl (1.27 and 1.33) against `lab serve` for the everyday commands beyond the issue's
 * "done when": scale, cordon / uncordon, apply (created → unchanged → configured), describe
 * deployment / pod / node, get -w, auth whoami, get --raw, and fieldValidation warnings. kubectl
 * formats describe and -w itself from what the server sends, so this checks the objects, events
 * and watch streams the lab serves. Outputs are compared with golden text after normalising what
 * a real cluster also varies: random name suffixes, ages, timestamps, IPs and which node a pod
 * landed on. UPDATE_GOLDEN=1 rewrites the golden files.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { kubectlBinaries, labServeForKubectl } from './kubectl-tools';

const bins = kubectlBinaries(['1.27', '1.33']);
const GOLDEN = join(__dirname, 'golden/kubectl');

/** What a real cluster varies from run to run, replaced by placeholders. */
const normalise = (text: string) =>
  text
    .replace(/\b(web|shop)-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}\b/g, '$1-HASH-XXXXX')
    .replace(/\b(web|shop)-[bcdfghjklmnpqrstvwxz2456789]{6,10}\b/g, '$1-HASH')
    .replace(/pod-template-hash=[bcdfghjklmnpqrstvwxz2456789]+/g, 'pod-template-hash=HASH')
    .replace(/(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}/g, 'DATE')
    .replace(/\b10\.42\.\d+\.\d+\b/g, '10.42.X.Y')
    .replace(/containerd:\/\/[0-9a-f]{64}/g, 'containerd://ID')
    .replace(/@sha256:[0-9a-f]{64}/g, '@sha256:DIGEST')
    .replace(/in \d+(\.\d+)?m?s \(\d+(\.\d+)?m?s including waiting\)/g, 'in T (T including waiting)')
    .replace(/(?<= )(\d+[smhd])+(?= |$)/gm, 'AGE')
    .replace(/[ \t]+$/gm, '')
    // Column padding follows the widest cell (an age of 5s or 59s): compare cells, not padding.
    .replace(/(?<=\S) {2,}/g, '  ');

/** Which node a pod landed on (the scheduler's tie-breaks draw from the seed, and kubectl's requests pace the run). */
const normaliseNode = (text: string) => text.replace(/\b10\.89\.97\.20[123]\b/g, '10.89.97.20N').replace(/\bk3s-(master|worker-1|worker-2)\b/g, 'NODE');

const golden = (name: string, actual: string) => {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  if (!existsSync(file)) throw new Error(`no golden file ${file} (UPDATE_GOLDEN=1 writes it)`);
  return readFileSync(file, 'utf8');
};

/** kubectl get -w: collect lines until `until` holds, then stop it. */
function watchLines(bin: string, home: string, args: string[], until: (lines: string[]) => boolean): { lines: string[]; done: Promise<string[]> } {
  const lines: string[] = [];
  const p = spawn(bin, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: '' } });
  let buf = '';
  const done = new Promise<string[]>((resolve) => {
    const timer = setTimeout(() => p.kill('SIGKILL'), 30_000);
    p.stdout.on('data', (d) => {
      buf += d;
      const parts = buf.split('\n');
      buf = parts.pop()!;
      lines.push(...parts);
      if (until(lines)) p.kill('SIGTERM');
    });
    p.on('close', () => {
      clearTimeout(timer);
      resolve(lines);
    });
  });
  return { lines, done };
}

for (const b of bins) {
  describe(`kubectl ${b.version}: everyday commands against lab serve`, () => {
    const lab = labServeForKubectl(b, { name: 'wf', seed: 11 });
    const { k } = lab;
    const until = (what: string, ok: () => Promise<boolean>) => lab.until(what, ok, 150);
    const available = async (name: string, n: number) => {
      const r = await k('get', 'deployment', name, '-o', 'jsonpath={.status.availableReplicas}/{.status.replicas}');
      return r.stdout === `${n}/${n}`;
    };

    beforeAll(async () => {
      const c = await k('create', 'deployment', 'web', '--image=nginx', '--replicas=3');
      expect(c.stdout).toBe('deployment.apps/web created\n');
      await until('web available', () => available('web', 3));
    });

    it('scale: the Deployment grows to 4 available', async () => {
      const r = await k('scale', 'deployment', 'web', '--replicas=4');
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('deployment.apps/web scaled\n');
      await until('4 available', () => available('web', 4));
    });

    it('cordon / uncordon: SchedulingDisabled in get nodes, and kubectl says when nothing changes', async () => {
      expect((await k('cordon', 'k3s-worker-2')).stdout).toBe('node/k3s-worker-2 cordoned\n');
      expect((await k('cordon', 'k3s-worker-2')).stdout).toBe('node/k3s-worker-2 already cordoned\n');
      const nodes = await k('get', 'nodes');
      expect(normalise(nodes.stdout)).toBe(golden(`get-nodes-cordoned.${b.version}.txt`, normalise(nodes.stdout)));
      expect((await k('uncordon', 'k3s-worker-2')).stdout).toBe('node/k3s-worker-2 uncordoned\n');
      expect((await k('uncordon', 'k3s-worker-2')).stdout).toBe('node/k3s-worker-2 already uncordoned\n');
      expect((await k('get', 'node', 'k3s-worker-2', '-o', 'jsonpath={.spec.unschedulable}')).stdout).toBe('');
    });

    it('apply -f: created, then unchanged, then configured; the change rolls out a second ReplicaSet', async () => {
      const manifest = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  labels:
    app: shop
spec:
  replicas: 2
  selector:
    matchLabels:
      app: shop
  template:
    metadata:
      labels:
        app: shop
    spec:
      containers:
      - name: shop
        image: ${image}
        ports:
        - containerPort: 8080
`;
      const file = join(lab.dir, 'shop.yaml');
      writeFileSync(file, manifest('nginx:1.27'));
      expect((await k('apply', '-f', file)).stdout).toBe('deployment.apps/shop created\n');
      expect((await k('apply', '-f', file)).stdout).toBe('deployment.apps/shop unchanged\n');
      await until('shop available', () => available('shop', 2));
      writeFileSync(file, manifest('nginx:1.28'));
      expect((await k('apply', '-f', file)).stdout).toBe('deployment.apps/shop configured\n');
      await until('shop rolled out', async () => (await k('get', 'deployment', 'shop', '-o', 'jsonpath={.status.updatedReplicas}/{.status.availableReplicas}/{.status.replicas}')).stdout === '2/2/2');
      const rs = await k('get', 'rs', '-l', 'app=shop', '-o', 'jsonpath={range .items[*]}{.spec.template.spec.containers[0].image}={.spec.replicas} {end}');
      expect(rs.stdout.trim().split(' ').sort()).toEqual(['nginx:1.27=0', 'nginx:1.28=2']);
      const hist = await k('rollout', 'history', 'deployment/shop');
      expect(hist.stdout).toBe('deployment.apps/shop \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n');
    });

    it('describe deployment: replicas, strategy, conditions, ReplicaSets and the controller\'s events', async () => {
      const r = await k('describe', 'deployment', 'web');
      expect(r.stderr).toBe('');
      expect(normalise(r.stdout)).toBe(golden(`describe-deployment-web.${b.version}.txt`, normalise(r.stdout)));
    });

    it('describe pod: status, container state, conditions, tolerations and the kubelet\'s events', async () => {
      const name = (await k('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}')).stdout;
      const r = await k('describe', 'pod', name);
      expect(r.stderr).toBe('');
      expect(normaliseNode(normalise(r.stdout))).toBe(golden(`describe-pod-web.${b.version}.txt`, normaliseNode(normalise(r.stdout))));
      // kubectl computes event ages from its own clock: lab serve answers on the wall calendar, so
      // they are seconds or minutes, not the scenario's distance from today.
      expect(r.stdout).toMatch(/Normal\s+Scheduled\s+(\d+s|\d+m(\d+s)?)\s+default-scheduler/);
    });

    it('describe node: addresses, capacity, pod CIDR and the pods on it', async () => {
      const r = await k('describe', 'node', 'k3s-worker-1');
      expect(r.stderr).toBe('');
      const out = r.stdout;
      for (const line of ['Name:               k3s-worker-1', 'Roles:              <none>', '  InternalIP:  10.89.97.202', '  Hostname:    k3s-worker-1', 'PodCIDR:                      10.42.1.0/24', 'PodCIDRs:                     10.42.1.0/24']) expect(out).toContain(line);
      expect(out).toMatch(/Ready\s+True\s+.*KubeletReady\s+kubelet is posting ready status/);
      expect(out).toMatch(/Non-terminated Pods:\s+\(\d+ in total\)/);
    });

    it('get -w: the table header and rows, then the deleted pod going Terminating', async () => {
      const victim = (await k('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[0].metadata.name}')).stdout;
      const w = watchLines(b.path, join(lab.dir, 'home'), ['--kubeconfig', lab.kubeconfig, 'get', 'pods', '-l', 'app=web', '-w'], (lines) => lines.some((l) => l.startsWith(victim) && /Terminating/.test(l)));
      await until('the watch lists the pods', async () => w.lines.length >= 5);
      expect(w.lines[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
      const del = await k('delete', 'pod', victim, '--wait=false');
      expect(del.stdout).toBe(`pod "${victim}" deleted\n`);
      const lines = await w.done;
      const last = lines.filter((l) => l.startsWith(victim)).at(-1)!;
      expect(last).toMatch(new RegExp(`^${victim}\\s+1/1\\s+Terminating\\s+0\\s+\\d+`));
    });

    it('get --sort-by: the Table rows carry whole objects (includeObject=Object), so kubectl sorts on any field', async () => {
      const r = await k('get', 'events', '--sort-by=.metadata.creationTimestamp');
      expect(r.stderr).toBe('');
      expect(r.stdout.split('\n')[0]).toMatch(/^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/);
      expect(r.stdout).toMatch(/ScalingReplicaSet\s+deployment\/web\s+Scaled up replica set web-\w+ from 0 to 3/);
      const pods = await k('get', 'pods', '-A', '--sort-by=.metadata.name', '-o', 'name');
      const names = pods.stdout.trim().split('\n');
      expect(names).toEqual([...names].sort());
    });

    it('explain: the kinds\' schemas from the OpenAPI documents (fields and types; the lab has no descriptions)', async () => {
      const pods = await k('explain', 'pods');
      expect(pods.stderr).toBe('');
      expect(pods.stdout).toMatch(/KIND:\s+Pod/);
      expect(pods.stdout).toMatch(/spec\s+<PodSpec>/);
      const replicas = await k('explain', 'deployment.spec.replicas');
      expect(replicas.stderr).toBe('');
      expect(replicas.stdout).toMatch(/FIELD:\s+replicas\s+<integer>/);
      const sc = await k('explain', 'pvc.spec.accessModes');
      expect(sc.stdout).toMatch(/FIELD:\s+accessModes\s+<\[\]string>/);
    });

    it('auth whoami and get --raw', async () => {
      const who = await k('auth', 'whoami');
      // kubectl 1.27 asks for authentication.k8s.io v1alpha1/v1beta1 SelfSubjectReviews, which a
      // v1.33 server does not serve by default (v1 is GA since 1.28).
      if (b.version === '1.27') expect(who.stderr).toContain('error: the selfsubjectreviews API is not enabled in the cluster');
      else expect(who.stdout).toMatch(/^ATTRIBUTE\s+VALUE\nUsername\s+system:admin\nGroups\s+\[system:masters system:authenticated\]\n$/);
      const v = await k('get', '--raw', '/version');
      expect(JSON.parse(v.stdout)).toMatchObject({ major: '1', minor: '33', gitVersion: 'v1.33.5+k3s1' });
    });

    it('create -f with an unknown field: --validate=warn prints the server\'s warnings and drops the field; strict refuses it', async () => {
      const file = join(lab.dir, 'cm.yaml');
      writeFileSync(file, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: warned\n  colour: blue\ndata:\n  a: "1"\nbogus: 1\n');
      const strict = await k('create', '-f', file);
      expect(strict.code).toBe(1);
      expect(strict.stderr).toContain('strict decoding error: unknown field "bogus", unknown field "metadata.colour"');
      const warn = await k('create', '-f', file, '--validate=warn');
      expect(warn.stderr).toBe('Warning: unknown field "bogus"\nWarning: unknown field "metadata.colour"\n');
      expect(warn.stdout).toBe('configmap/warned created\n');
      const got = JSON.parse((await k('get', 'cm', 'warned', '-o', 'json')).stdout);
      expect(got.bogus).toBeUndefined();
      expect(got.metadata.colour).toBeUndefined();
      expect(got.data).toEqual({ a: '1' });
    });
  });
}
