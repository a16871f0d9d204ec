/**
 * KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) as kube-scheduler v1.33 reads it:
 * pkg/scheduler/apis/config/v1/defaults.go (SetDefaults_KubeSchedulerConfiguration,
 * setDefaults_KubeSchedulerProfile, mergePlugins/mergePluginSet), default_plugins.go, and the
 * framework's expansion of MultiPoint into extension points
 * (pkg/scheduler/framework/runtime/framework.go: updatePluginList, expandMultiPointPlugins,
 * getScoreWeights).
 *
 * What is read: `profiles[].schedulerName`, `profiles[].plugins.<point>.{enabled,disabled}`
 * (`multiPoint`, `preEnqueue`, `queueSort`, `preFilter`, `filter`, `postFilter`, `preScore`,
 * `score`, `reserve`, `permit`, `preBind`, `bind`, `postBind`), `profiles[].pluginConfig[].{name,
 * args}`, `percentageOfNodesToScore` (global and per profile). Errors are values in the
 * apiserver's words with a field path.
 *
 * Left out: extenders, leader election and client connection settings (read and ignored),
 * out-of-tree plugins.
 */
import { parse as parseYaml } from 'yaml';
import { DefaultSchedulerName, getDefaultPlugins, type PluginRef } from './default-plugins';

export interface PluginSetConfig {
  enabled?: { name: string; weight?: number }[] | null;
  disabled?: { name: string }[] | null;
}

export type ExtensionPointName = 'multiPoint' | 'preEnqueue' | 'queueSort' | 'preFilter' | 'filter' | 'postFilter' | 'preScore' | 'score' | 'reserve' | 'permit' | 'preBind' | 'bind' | 'postBind';

export const extensionPointNames: ExtensionPointName[] = ['multiPoint', 'preEnqueue', 'queueSort', 'preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'permit', 'preBind', 'bind', 'postBind'];

export type PluginsConfig = Partial<Record<ExtensionPointName, PluginSetConfig | null>>;

export interface KubeSchedulerProfile {
  schedulerName?: string;
  percentageOfNodesToScore?: number | null;
  plugins?: PluginsConfig | null;
  pluginConfig?: { name: string; args?: Record<string, unknown> | null }[] | null;
}

export interface KubeSchedulerConfiguration {
  apiVersion?: string;
  kind?: string;
  percentageOfNodesToScore?: number | null;
  profiles?: KubeSchedulerProfile[] | null;
  [other: string]: unknown;
}

/** A field error in the apiserver's words: `<path>: <type>: <value>: <detail>`. */
export class ConfigError extends Error {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'ConfigError';
  }
}

export const SchedulerConfigAPIVersion = 'kubescheduler.config.k8s.io/v1';

/** A profile ready for the framework: the enabled plugins per extension point, weights and args. */
export interface ResolvedProfile {
  schedulerName: string;
  /** null: use the global value */
  percentageOfNodesToScore: number | null;
  /** extension point → plugin names, in run order */
  points: Record<Exclude<ExtensionPointName, 'multiPoint'>, string[]>;
  /** score plugin → weight */
  weights: Record<string, number>;
  /** plugin name → args (pluginConfig) */
  args: Record<string, unknown>;
}

export interface ResolvedConfig {
  percentageOfNodesToScore: number;
  profiles: ResolvedProfile[];
}

/** Parses YAML (or takes an object) and resolves it against the v1.33 defaults. */
export function loadSchedulerConfig(input?: KubeSchedulerConfiguration | string | null, implementsPoint?: (plugin: string, point: ExtensionPointName) => boolean | undefined): ResolvedConfig {
  let cfg: KubeSchedulerConfiguration;
  if (input == null) cfg = {};
  else if (typeof input === 'string') {
    let v: unknown;
    try {
      v = parseYaml(input);
    } catch (e) {
      throw new ConfigError('<config>', `invalid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (v == null) v = {};
    if (typeof v !== 'object' || Array.isArray(v)) throw new ConfigError('<config>', 'Invalid value: must be a KubeSchedulerConfiguration object');
    cfg = v as KubeSchedulerConfiguration;
  } else cfg = input;
  if (cfg.kind !== undefined && cfg.kind !== 'KubeSchedulerConfiguration') throw new ConfigError('kind', `Unsupported value: ${JSON.stringify(cfg.kind)}: supported values: "KubeSchedulerConfiguration"`);
  if (cfg.apiVersion !== undefined && cfg.apiVersion !== SchedulerConfigAPIVersion) {
    throw new ConfigError('apiVersion', `Unsupported value: ${JSON.stringify(cfg.apiVersion)}: supported values: "${SchedulerConfigAPIVersion}"`);
  }
  const pct = cfg.percentageOfNodesToScore ?? 0;
  checkPercentage(pct, 'percentageOfNodesToScore');
  const profiles = cfg.profiles && cfg.profiles.length > 0 ? cfg.profiles : [{}];
  const seen = new Set<string>();
  const out: ResolvedProfile[] = profiles.map((p, i) => {
    const path = `profiles[${i}]`;
    const name = p.schedulerName || DefaultSchedulerName;
    if (seen.has(name)) throw new ConfigError(`${path}.schedulerName`, `Duplicate value: ${JSON.stringify(name)}`);
    seen.add(name);
    if (p.percentageOfNodesToScore != null) checkPercentage(p.percentageOfNodesToScore, `${path}.percentageOfNodesToScore`);
    return resolveProfile(p, path, name, implementsPoint);
  });
  return { percentageOfNodesToScore: pct, profiles: out };
}

function checkPercentage(v: unknown, field: string): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 100) throw new ConfigError(field, `Invalid value: ${JSON.stringify(v)}: not in valid range [0-100]`);
}

/** mergePluginSet (defaults.go): defaults minus disabled, re-configured in place, custom appended. */
function mergePluginSet(def: PluginSetConfig, custom: PluginSetConfig | null | undefined): { enabled: PluginRef[]; disabled: string[] } {
  const disabled: string[] = [];
  for (const d of custom?.disabled ?? []) disabled.push(d.name);
  for (const d of def.disabled ?? []) disabled.push(d.name);
  const dis = new Set(disabled);
  const customEnabled = custom?.enabled ?? [];
  const byName = new Map<string, number>();
  customEnabled.forEach((p, i) => byName.set(p.name, i));
  const replaced = new Set<number>();
  const enabled: PluginRef[] = [];
  if (!dis.has('*')) {
    for (const p of def.enabled ?? []) {
      if (dis.has(p.name)) continue;
      const ci = byName.get(p.name);
      if (ci !== undefined) {
        enabled.push({ ...customEnabled[ci]! });
        replaced.add(ci);
      } else enabled.push({ ...p });
    }
  }
  customEnabled.forEach((p, i) => {
    if (!replaced.has(i)) enabled.push({ ...p });
  });
  return { enabled, disabled };
}

function resolveProfile(p: KubeSchedulerProfile, path: string, name: string, impl?: (plugin: string, point: ExtensionPointName) => boolean | undefined): ResolvedProfile {
  const plugins = p.plugins ?? {};
  for (const k of Object.keys(plugins)) {
    if (!extensionPointNames.includes(k as ExtensionPointName)) throw new ConfigError(`${path}.plugins`, `Invalid value: ${JSON.stringify(k)}: unknown extension point; supported: ${extensionPointNames.map((x) => JSON.stringify(x)).join(', ')}`);
  }
  const merged = {} as Record<ExtensionPointName, { enabled: PluginRef[]; disabled: string[] }>;
  for (const ep of extensionPointNames) {
    const def: PluginSetConfig = ep === 'multiPoint' ? { enabled: getDefaultPlugins() } : {};
    const set = plugins[ep];
    (set?.enabled ?? []).forEach((e, j) => {
      if (!e || typeof e.name !== 'string' || e.name === '') throw new ConfigError(`${path}.plugins.${ep}.enabled[${j}].name`, 'Required value');
      if (e.weight !== undefined && e.weight !== null && (!Number.isInteger(e.weight) || e.weight < 0 || e.weight > 100)) {
        throw new ConfigError(`${path}.plugins.${ep}.enabled[${j}].weight`, `Invalid value: ${JSON.stringify(e.weight)}: must be an integer in [0, 100]`);
      }
    });
    merged[ep] = mergePluginSet(def, set);
  }
  const implementsPoint = (plugin: string, point: ExtensionPointName, field: string): boolean => {
    const r = impl?.(plugin, point);
    if (r === undefined) throw new ConfigError(field, `Invalid value: ${JSON.stringify(plugin)}: plugin does not exist`);
    return r;
  };
  const points = {} as ResolvedProfile['points'];
  const mp = merged.multiPoint.enabled;
  const mpSeen = new Set<string>();
  mp.forEach((e, j) => {
    implementsPoint(e.name, 'multiPoint', `${path}.plugins.multiPoint.enabled[${j}]`);
  });
  for (const ep of extensionPointNames) {
    if (ep === 'multiPoint') continue;
    const specific = merged[ep].enabled;
    const enabledSet: string[] = [];
    specific.forEach((e, j) => {
      const field = `${path}.plugins.${ep}.enabled[${j}]`;
      if (!implementsPoint(e.name, ep, field)) throw new ConfigError(field, `Invalid value: ${JSON.stringify(e.name)}: plugin does not extend ${ep} plugin`);
      if (enabledSet.includes(e.name)) throw new ConfigError(field, `Invalid value: ${JSON.stringify(e.name)}: plugin already registered as ${ep} plugin`);
      enabledSet.push(e.name);
    });
    const disabled = new Set(merged[ep].disabled);
    if (disabled.has('*')) {
      points[ep] = enabledSet;
      continue;
    }
    const override: string[] = [];
    const multi: string[] = [];
    mpSeen.clear();
    for (const e of mp) {
      if (!implementsPoint(e.name, ep, `${path}.plugins.multiPoint`)) continue;
      if (disabled.has(e.name)) continue;
      if (enabledSet.includes(e.name)) {
        override.push(e.name);
        continue;
      }
      if (mpSeen.has(e.name)) throw new ConfigError(`${path}.plugins.multiPoint`, `Invalid value: ${JSON.stringify(e.name)}: plugin already registered as ${ep} plugin`);
      mpSeen.add(e.name);
      multi.push(e.name);
    }
    const ordered: string[] = [];
    for (const n of enabledSet) if (override.includes(n)) ordered.push(n);
    for (const n of multi) ordered.push(n);
    for (const n of enabledSet) if (!ordered.includes(n)) ordered.push(n);
    points[ep] = ordered;
  }
  if (points.queueSort.length > 1) throw new ConfigError(`${path}.plugins.queueSort`, `Invalid value: ${JSON.stringify(points.queueSort)}: only one queue sort plugin can be enabled`);
  if (points.bind.length === 0) throw new ConfigError(`${path}.plugins.bind`, 'Required value: at least one bind plugin is needed');
  // getScoreWeights: the score extension point's weights first, then MultiPoint's; 0 → 1.
  const weights: Record<string, number> = {};
  for (const e of [...merged.score.enabled, ...mp]) {
    if (!points.score.includes(e.name)) continue;
    if (e.name in weights) continue;
    weights[e.name] = e.weight ? e.weight : 1;
  }
  const args: Record<string, unknown> = {};
  (p.pluginConfig ?? []).forEach((pc, j) => {
    if (!pc || typeof pc.name !== 'string') throw new ConfigError(`${path}.pluginConfig[${j}].name`, 'Required value');
    if (pc.name in args) throw new ConfigError(`${path}.pluginConfig[${j}]`, `Duplicate value: ${JSON.stringify(pc.name)}`);
    args[pc.name] = pc.args ?? {};
  });
  return { schedulerName: name, percentageOfNodesToScore: p.percentageOfNodesToScore ?? null, points, weights, args };
}
