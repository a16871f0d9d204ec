/**
 * The framework runtime, after pkg/scheduler/framework/runtime/framework.go at v1.33: one
 * profile's plugins per extension point, in config order, and the Run* functions
 * (RunPreFilterPlugins with PreFilterResult merging and Skip bookkeeping, RunFilterPlugins
 * stopping at the first rejection, RunPostFilterPlugins, RunPreScorePlugins, RunScorePlugins:
 * score → NormalizeScore → range check → × weight).
 *
 * Every step also records what it saw (raw and normalized scores, skipped plugins) so the
 * scheduler can explain a placement.
 *
 * Left out: Reserve/Permit/PreBind/Bind/PostBind (the caller binds), nominated pods in filters
 * (RunFilterPluginsWithNominatedPods runs one pass), parallelism, metrics.
 */
import type { Pod } from '../api/types';
import { registry, validatePluginArgs } from '../plugins/registry';
import { ConfigError, type ResolvedProfile } from './config';
import { hasFilter, hasPostFilter, hasPreEnqueue, hasPreFilter, hasPreScore, hasScore, type AnyPlugin, type FilterPlugin, type NodeToStatus, type PostFilterPlugin, type PreEnqueuePlugin, type PreFilterPlugin, type PreScorePlugin, type ScorePlugin } from './interface';
import type { ClusterSnapshot } from './snapshot';
import { CycleState, isRejected, MaxNodeScore, MinNodeScore, newStatus, type NodeInfo, type Status } from './types';

// Module-local copies: hot loops read these instead of the imported bindings.
const MAX_SCORE: number = MaxNodeScore;
const MIN_SCORE: number = MinNodeScore;

/** PreFilterResult.Merge: nil (all nodes) is the identity; otherwise the intersection. */
function intersect(a: Set<string> | null, b: Set<string>): Set<string> {
  if (a === null) return new Set(b);
  const out = new Set<string>();
  for (const n of a) if (b.has(n)) out.add(n);
  return out;
}

export class FrameworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameworkError';
  }
}

export interface PreFilterOutcome {
  /** null = all nodes */
  nodeNames: Set<string> | null;
  status: Status | null;
  /** plugins that narrowed the node set (diagnosis.UnschedulablePlugins) */
  pluginsWithNodes: string[];
}

export interface ScoreOutcome {
  plugins: string[];
  weights: number[];
  /** raw[p][i]: plugin p's Score for nodes[i] */
  raw: number[][];
  /** normalized[p][i]: after NormalizeScore (same array as raw when the plugin has none) */
  normalized: number[][];
  totals: number[];
  skipped: string[];
}

export class Framework {
  readonly profileName: string;
  readonly percentageOfNodesToScore: number | null;
  readonly plugins = new Map<string, AnyPlugin>();
  readonly preEnqueuePlugins: (AnyPlugin & PreEnqueuePlugin)[] = [];
  readonly preFilterPlugins: (AnyPlugin & PreFilterPlugin)[] = [];
  readonly filterPlugins: (AnyPlugin & FilterPlugin)[] = [];
  readonly postFilterPlugins: (AnyPlugin & PostFilterPlugin)[] = [];
  readonly preScorePlugins: (AnyPlugin & PreScorePlugin)[] = [];
  readonly scorePlugins: (AnyPlugin & ScorePlugin)[] = [];
  readonly scoreWeights: number[] = [];

  constructor(readonly profile: ResolvedProfile, profileIndex = 0) {
    this.profileName = profile.schedulerName;
    this.percentageOfNodesToScore = profile.percentageOfNodesToScore;
    const get = (name: string): AnyPlugin => {
      let p = this.plugins.get(name);
      if (p) return p;
      const f = registry[name];
      if (!f) throw new ConfigError(`profiles[${profileIndex}].plugins`, `Invalid value: ${JSON.stringify(name)}: plugin does not exist`);
      const args = profile.args[name];
      try {
        validatePluginArgs(name, args);
        p = f(args);
      } catch (e) {
        if (e instanceof ConfigError) throw new ConfigError(`profiles[${profileIndex}].pluginConfig[${JSON.stringify(name)}].args.${e.field}`, e.detail);
        throw new ConfigError(`profiles[${profileIndex}].pluginConfig[${JSON.stringify(name)}].args`, `Invalid value: ${(e as Error).message}`);
      }
      this.plugins.set(name, p);
      return p;
    };
    for (const n of profile.points.preEnqueue) if (hasPreEnqueue(get(n))) this.preEnqueuePlugins.push(get(n) as AnyPlugin & PreEnqueuePlugin);
    for (const n of profile.points.preFilter) if (hasPreFilter(get(n))) this.preFilterPlugins.push(get(n) as AnyPlugin & PreFilterPlugin);
    for (const n of profile.points.filter) if (hasFilter(get(n))) this.filterPlugins.push(get(n) as AnyPlugin & FilterPlugin);
    for (const n of profile.points.postFilter) if (hasPostFilter(get(n))) this.postFilterPlugins.push(get(n) as AnyPlugin & PostFilterPlugin);
    for (const n of profile.points.preScore) if (hasPreScore(get(n))) this.preScorePlugins.push(get(n) as AnyPlugin & PreScorePlugin);
    for (const n of profile.points.score) {
      const p = get(n);
      if (!hasScore(p)) continue;
      this.scorePlugins.push(p);
      this.scoreWeights.push(profile.weights[n] ?? 1);
    }
  }

  hasFilterPlugins(): boolean {
    return this.filterPlugins.length > 0;
  }
  hasScorePlugins(): boolean {
    return this.scorePlugins.length > 0;
  }

  /** RunPreEnqueuePlugins: the first rejecting plugin's status, or null. */
  runPreEnqueuePlugins(pod: Pod): Status | null {
    for (const p of this.preEnqueuePlugins) {
      const s = p.preEnqueue(pod);
      if (s && s.code !== 'Success') return { ...s, plugin: p.name };
    }
    return null;
  }

  /** RunPreFilterPlugins. */
  runPreFilterPlugins(state: CycleState, pod: Pod, snapshot: ClusterSnapshot): PreFilterOutcome {
    let result: Set<string> | null = null;
    const pluginsWithNodes: string[] = [];
    let returnStatus: Status | null = null;
    for (const pl of this.preFilterPlugins) {
      const { result: r, status: s } = pl.preFilter(state, pod, snapshot);
      if (s && s.code === 'Skip') {
        state.skipFilterPlugins.add(pl.name);
        continue;
      }
      if (s && s.code !== 'Success') {
        const st = { ...s, plugin: pl.name };
        if (s.code === 'UnschedulableAndUnresolvable') return { nodeNames: null, status: st, pluginsWithNodes: [] };
        if (s.code === 'Unschedulable') {
          returnStatus = st;
          continue;
        }
        throw new FrameworkError(`running PreFilter plugin ${JSON.stringify(pl.name)}: ${st.reasons.join(', ')}`);
      }
      const names = r?.nodeNames ?? null;
      if (names !== null) {
        pluginsWithNodes.push(pl.name);
        result = intersect(result as Set<string> | null, names);
      }
      if (result !== null && result.size === 0) {
        const sorted = [...pluginsWithNodes].sort();
        const msg = sorted.length === 1 ? `node(s) didn't satisfy plugin ${sorted[0]}` : `node(s) didn't satisfy plugin(s) [${sorted.join(' ')}] simultaneously`;
        return { nodeNames: result, status: newStatus('UnschedulableAndUnresolvable', msg), pluginsWithNodes };
      }
    }
    return { nodeNames: result, status: returnStatus, pluginsWithNodes };
  }

  /** The filter plugins that run this cycle (those whose PreFilter did not Skip). */
  activeFilters(state: CycleState): (AnyPlugin & FilterPlugin)[] {
    const skip = state.skipFilterPlugins;
    return skip.size === 0 ? this.filterPlugins : this.filterPlugins.filter((p) => !skip.has(p.name));
  }

  /** RunFilterPlugins over a precomputed active list (the hot path of findNodesThatPassFilters). */
  runActiveFilters(pls: (AnyPlugin & FilterPlugin)[], state: CycleState, pod: Pod, ni: NodeInfo): Status | null {
    for (let i = 0; i < pls.length; i++) {
      const pl = pls[i]!;
      const s = pl.filter(state, pod, ni);
      if (s !== null && s.code !== 'Success') {
        if (s.code !== 'Unschedulable' && s.code !== 'UnschedulableAndUnresolvable' && s.code !== 'Pending') throw new FrameworkError(`running ${JSON.stringify(pl.name)} filter plugin: ${s.reasons.join(', ')}`);
        return { code: s.code, reasons: s.reasons, plugin: pl.name };
      }
    }
    return null;
  }

  /** RunFilterPlugins: the first non-success status (with its plugin), or null. */
  runFilterPlugins(state: CycleState, pod: Pod, ni: NodeInfo): Status | null {
    const skip = state.skipFilterPlugins;
    const pls = this.filterPlugins;
    for (let i = 0; i < pls.length; i++) {
      const pl = pls[i]!;
      if (skip.size > 0 && skip.has(pl.name)) continue;
      const s = pl.filter(state, pod, ni);
      if (s !== null && s.code !== 'Success') {
        if (!isRejected(s)) throw new FrameworkError(`running ${JSON.stringify(pl.name)} filter plugin: ${s.reasons.join(', ')}`);
        return { code: s.code, reasons: s.reasons, plugin: pl.name };
      }
    }
    return null;
  }

  /** RunPostFilterPlugins. */
  runPostFilterPlugins(state: CycleState, pod: Pod, snapshot: ClusterSnapshot, m: NodeToStatus): { nominatedNodeName?: string; status: Status; plugin?: string } {
    const reasons: string[] = [];
    let rejector = '';
    let nominated: string | undefined;
    for (const pl of this.postFilterPlugins) {
      const r = pl.postFilter(state, pod, snapshot, m, (p, ni) => this.runFilterPlugins(state, p, ni));
      const s = r.status;
      if (s.code === 'Success') return { ...r, plugin: pl.name };
      if (s.code === 'UnschedulableAndUnresolvable') return { ...r, status: { ...s, plugin: pl.name }, plugin: pl.name };
      if (!isRejected(s)) throw new FrameworkError(`running PostFilter plugin ${JSON.stringify(pl.name)}: ${s.reasons.join(', ')}`);
      if (r.nominatedNodeName !== undefined) nominated = r.nominatedNodeName;
      reasons.push(...s.reasons);
      if (rejector === '') rejector = pl.name;
    }
    return { ...(nominated !== undefined ? { nominatedNodeName: nominated } : {}), status: { code: 'Unschedulable', reasons, plugin: rejector }, plugin: rejector };
  }

  /** RunPreScorePlugins: Skip marks the coupled Score plugin skipped. */
  runPreScorePlugins(state: CycleState, pod: Pod, nodes: NodeInfo[], snapshot: ClusterSnapshot): void {
    for (const pl of this.preScorePlugins) {
      const s = pl.preScore(state, pod, nodes, snapshot);
      if (s && s.code === 'Skip') {
        state.skipScorePlugins.add(pl.name);
        continue;
      }
      if (s && s.code !== 'Success') throw new FrameworkError(`running PreScore plugin ${JSON.stringify(pl.name)}: ${s.reasons.join(', ')}`);
    }
  }

  /** RunScorePlugins: Score per node, NormalizeScore per plugin, range check, × weight, totals. */
  private readonly scratch: number[][] = [];
  private scratchTotals: number[] = [];

  /**
   * With keepRaw false the returned arrays are scratch buffers reused by the next call (the
   * scheduler reads the totals at once); with keepRaw true they are fresh, raw kept apart from
   * normalized.
   */
  runScorePlugins(state: CycleState, pod: Pod, nodes: NodeInfo[], keepRaw: boolean): ScoreOutcome {
    const plugins: string[] = [];
    const weights: number[] = [];
    const raw: number[][] = [];
    const normalized: number[][] = [];
    const skipped: string[] = [];
    const n = nodes.length;
    let totals: number[];
    if (keepRaw) totals = new Array<number>(n).fill(0);
    else {
      totals = this.scratchTotals;
      if (totals.length !== n) totals = this.scratchTotals = new Array<number>(n);
      for (let i = 0; i < n; i++) totals[i] = 0;
    }
    for (let p = 0; p < this.scorePlugins.length; p++) {
      const pl = this.scorePlugins[p]!;
      if (state.skipScorePlugins.has(pl.name)) {
        skipped.push(pl.name);
        continue;
      }
      let scores: number[];
      if (keepRaw) scores = new Array<number>(n);
      else {
        scores = this.scratch[p] ?? (this.scratch[p] = []);
        if (scores.length !== n) scores = this.scratch[p] = new Array<number>(n);
      }
      for (let i = 0; i < n; i++) scores[i] = pl.score(state, pod, nodes[i]!);
      let norm = scores;
      if (pl.normalizeScore) {
        if (keepRaw) norm = scores.slice();
        pl.normalizeScore(state, pod, nodes, norm);
      }
      const w = this.scoreWeights[p]!;
      for (let i = 0; i < n; i++) {
        const s = norm[i]!;
        if (s > MAX_SCORE || s < MIN_SCORE) {
          throw new FrameworkError(`applying score defaultWeights on Score plugins: plugin ${JSON.stringify(pl.name)} returns an invalid score ${s}, it should in the range of [${MinNodeScore}, ${MaxNodeScore}] after normalizing`);
        }
        totals[i] = totals[i]! + s * w;
      }
      plugins.push(pl.name);
      weights.push(w);
      raw.push(scores);
      normalized.push(norm);
    }
    return { plugins, weights, raw, normalized, totals, skipped };
  }
}
