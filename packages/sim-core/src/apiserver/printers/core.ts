/**
 * Small core/v1 printers: Namespace (NAME STATUS AGE), Secret (NAME TYPE DATA AGE),
 * ServiceAccount (NAME SECRETS AGE), ConfigMap (NAME DATA AGE).
 *
 * Upstream: kubernetes v1.33.3 pkg/printers/internalversion/printers.go — AddHandlers
 * (namespaceColumnDefinitions, secretColumnDefinitions, serviceAccountColumnDefinitions,
 * configMapColumnDefinitions), printNamespace, printSecret, printServiceAccount, printConfigMap.
 * Data/Secrets are int64 cells (counts of data keys, of data+binaryData keys for a ConfigMap, of
 * .secrets references) although their columns say "string", as upstream. Left out:
 * nothing.
 */
import type { KubeObject } from '../../objects/meta';
import { ageColumn, col, nameColumn, type Cell } from './helpers';
import { translateTimestampSince } from './human-duration';
import { docs } from './swagger-docs';
import type { TableColumnDefinition } from './table';

const keyCount = (m: unknown): number => (m && typeof m === 'object' ? Object.keys(m).length : 0);

export const namespaceColumns: TableColumnDefinition[] = [nameColumn, col('Status', 'string', 'The status of the namespace'), ageColumn];

export function printNamespace(obj: KubeObject, nowMs: number): Cell[] {
  return [obj.metadata.name, obj.status?.phase ?? '', translateTimestampSince(obj.metadata.creationTimestamp, nowMs)];
}

export const secretColumns: TableColumnDefinition[] = [nameColumn, col('Type', 'string', docs.SECRET_TYPE), col('Data', 'string', docs.SECRET_DATA), ageColumn];

export function printSecret(obj: KubeObject, nowMs: number): Cell[] {
  return [obj.metadata.name, String(obj.type ?? ''), keyCount(obj.data), translateTimestampSince(obj.metadata.creationTimestamp, nowMs)];
}

export const serviceAccountColumns: TableColumnDefinition[] = [nameColumn, col('Secrets', 'string', docs.SERVICE_ACCOUNT_SECRETS), ageColumn];

export function printServiceAccount(obj: KubeObject, nowMs: number): Cell[] {
  const secrets = Array.isArray(obj.secrets) ? obj.secrets.length : 0;
  return [obj.metadata.name, secrets, translateTimestampSince(obj.metadata.creationTimestamp, nowMs)];
}

export const configMapColumns: TableColumnDefinition[] = [nameColumn, col('Data', 'string', docs.CONFIG_MAP_DATA), ageColumn];

export function printConfigMap(obj: KubeObject, nowMs: number): Cell[] {
  return [obj.metadata.name, keyCount(obj.data) + keyCount(obj.binaryData), translateTimestampSince(obj.metadata.creationTimestamp, nowMs)];
}
