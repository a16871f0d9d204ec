/**
 * Maintenance script (not run by tests or CI): builds src/apiserver/protobuf/gnostic-openapiv2.json,
 * the protobuf descriptor of the OpenAPI v2 document kube-apiserver serves at /openapi/v2 as
 * `application/com.github.proto-openapi.spec.v2.v1.0+protobuf` (kube-openapi's ToProtoBinary:
 * gnostic's openapi_v2.ParseDocument, then proto.Marshal).
 *
 *   npx tsx packages/sim-core/scripts/vendor-gnostic-openapiv2.ts <dir>
 *
 * <dir> holds openapiv2/OpenAPIv2.proto from github.com/google/gnostic-models (Apache-2.0; the
 * module kube-openapi and client-go v0.33 import), e.g. at commit a84a29e (go.yaml.in/yaml/v3 bump):
 *   git -C gnostic-models show HEAD:openapiv2/OpenAPIv2.proto > <dir>/openapiv2/OpenAPIv2.proto
 * google/protobuf/any.proto comes from protobufjs' bundled copy. The JSON keeps every message and
 * field (protobufjs Root.toJSON, field names as the .proto spells them, without comments).
 */
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

const dir = resolve(process.argv[2] ?? '');
const root = new protobuf.Root();
root.resolvePath = (_origin, target) => join(dir, target);
root.loadSync('openapiv2/OpenAPIv2.proto', { keepCase: true });
root.resolveAll();
const out = join(dirname(fileURLToPath(import.meta.url)), '../src/apiserver/protobuf/gnostic-openapiv2.json');
writeFileSync(out, JSON.stringify(root.toJSON()));
console.log(`wrote ${out}`);
