/**
 * Maintenance script (not run by tests or CI): builds src/apiserver/protobuf/k8s-types.json, the
 * protobuf descriptors kube-apiserver's wire format uses, from upstream's generated.proto files.
 *
 *   npx tsx packages/sim-core/scripts/vendor-k8s-protos.ts <dir>
 *
 * <dir> holds a k8s.io/ tree: k8s.io/api/<group>/<version>/generated.proto and
 * k8s.io/apimachinery/pkg/.../generated.proto, exported from kubernetes/api and
 * kubernetes/apimachinery at tag v0.33.5 (Apache-2.0), e.g.
 *   git -C api show v0.33.5:apps/v1/generated.proto > <dir>/k8s.io/api/apps/v1/generated.proto
 * The JSON keeps every message and field of those files (protobufjs Root.toJSON, without comments).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

export const API_FILES = ['apps/v1', 'core/v1', 'authentication/v1', 'authorization/v1', 'rbac/v1', 'policy/v1', 'coordination/v1', 'discovery/v1', 'autoscaling/v1', 'storage/v1'];

const dir = resolve(process.argv[2] ?? '');
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => join(dir, target);
root.loadSync(API_FILES.map((f) => `k8s.io/api/${f}/generated.proto`), { keepCase: true });
root.resolveAll();
const out = join(dirname(fileURLToPath(import.meta.url)), '../src/apiserver/protobuf/k8s-types.json');
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(root.toJSON()));
console.log(`wrote ${out}`);
