/**
 * printEndpoints (NAME ENDPOINTS AGE) and printEndpointSlice (NAME ADDRESSTYPE PORTS ENDPOINTS AGE).
 *
 * Upstream: kubernetes v1.33.3 pkg/printers/internalversion/printers.go — AddHandlers
 * (endpointColumnDefinitions, endpointSliceColumnDefinitions), printEndpoints, formatEndpoints
 * (called with ports=nil: every port), printEndpointSlice, formatDiscoveryPorts,
 * formatDiscoveryEndpoints, listWithMoreString.
 *
 * Endpoints: the first three `ip:port` pairs (net.JoinHostPort, so IPv6 is bracketed; bare IPs for
 * a subset without ports), then " + N more..." where N counts every address×port beyond three;
 * <none> with no subsets. EndpointSlice: at most three ports (number, else name, else "*") and
 * three addresses, each " + N more...", <unset> when empty. Left out: nothing.
 */
import type { KubeObject } from '../../objects/meta';
import { ageColumn, col, joinHostPort, listWithMoreString, nameColumn, type Cell } from './helpers';
import { translateTimestampSince } from './human-duration';
import { docs } from './swagger-docs';
import type { TableColumnDefinition } from './table';

export const endpointsColumns: TableColumnDefinition[] = [nameColumn, col('Endpoints', 'string', docs.ENDPOINTS_SUBSETS), ageColumn];

/** formatEndpoints(endpoints, nil). */
export function formatEndpoints(endpoints: KubeObject): string {
  const subsets: any[] = (endpoints.subsets as any[] | undefined) ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addresses: any[] = ss?.addresses ?? [];
    const ports: any[] = ss?.ports ?? [];
    if (ports.length === 0) {
      // It's possible to have headless services with no ports.
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(addr?.ip ?? '');
      }
      continue;
    }
    // "Normal" services with ports defined.
    for (const port of ports) {
      count += addresses.length;
      for (const addr of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(addr?.ip ?? '', String(port?.port ?? 0)));
      }
    }
  }
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret;
}

export function printEndpoints(obj: KubeObject, nowMs: number): Cell[] {
  return [obj.metadata.name, formatEndpoints(obj), translateTimestampSince(obj.metadata.creationTimestamp, nowMs)];
}

export const endpointSliceColumns: TableColumnDefinition[] = [
  nameColumn,
  col('AddressType', 'string', docs.ENDPOINT_SLICE_ADDRESS_TYPE),
  col('Ports', 'string', docs.ENDPOINT_SLICE_PORTS),
  col('Endpoints', 'string', docs.ENDPOINT_SLICE_ENDPOINTS),
  ageColumn,
];

export function formatDiscoveryPorts(ports: readonly any[] | null | undefined): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const port of ports ?? []) {
    if (list.length < max) {
      let portNum = '*';
      if (port?.port != null) portNum = String(port.port);
      else if (port?.name != null) portNum = port.name;
      list.push(portNum);
    } else if (list.length === max) {
      more = true;
    }
    count++;
  }
  return listWithMoreString(list, more, count, max);
}

export function formatDiscoveryEndpoints(endpoints: readonly any[] | null | undefined): string {
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const endpoint of endpoints ?? []) {
    for (const address of endpoint?.addresses ?? []) {
      if (list.length < max) list.push(address);
      else if (list.length === max) more = true;
      count++;
    }
  }
  return listWithMoreString(list, more, count, max);
}

export function printEndpointSlice(obj: KubeObject, nowMs: number): Cell[] {
  return [
    obj.metadata.name,
    String(obj.addressType ?? ''),
    formatDiscoveryPorts(obj.ports as any[] | undefined),
    formatDiscoveryEndpoints(obj.endpoints as any[] | undefined),
    translateTimestampSince(obj.metadata.creationTimestamp, nowMs),
  ];
}
