import { isDeepStrictEqual } from 'node:util';
import type { JsonValue, Manifest } from '../format/manifest.js';

export type MetricDirection = 'higher' | 'lower';

/** Whether a bigger value is better, for common metric names; configurable per registry. */
export const DEFAULT_METRIC_DIRECTIONS: Readonly<Record<string, MetricDirection>> = {
  rmse: 'lower', mse: 'lower', mae: 'lower', mape: 'lower', smape: 'lower', log_loss: 'lower', max_drawdown: 'lower',
  r2: 'higher', accuracy: 'higher', auc: 'higher', f1: 'higher', precision: 'higher', recall: 'higher',
};

export interface MetricComparison {
  name: string;
  a: number | undefined;
  b: number | undefined;
  /** `b - a`, when both have the metric. */
  difference: number | undefined;
  direction: MetricDirection | undefined;
  /** Undefined when the direction is unknown or a side lacks the metric. */
  winner: 'a' | 'b' | 'tie' | undefined;
}

export interface ValueDifference<T> {
  name: string;
  a: T | undefined;
  b: T | undefined;
}

export interface ArtifactChange {
  name: string;
  change: 'added' | 'removed' | 'changed' | 'unchanged';
  a: { digest: string; size: number } | undefined;
  b: { digest: string; size: number } | undefined;
}

export interface ManifestComparison {
  metrics: MetricComparison[];
  /** Only params that differ. */
  params: Array<ValueDifference<JsonValue>>;
  /** Only tags that differ. */
  tags: Array<ValueDifference<string>>;
  artifacts: ArtifactChange[];
}

const sortedUnion = (a: object, b: object) => [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();

function differences<T>(a: Record<string, T>, b: Record<string, T>): Array<ValueDifference<T>> {
  return sortedUnion(a, b)
    .filter((name) => !isDeepStrictEqual(a[name], b[name]))
    .map((name) => ({ name, a: a[name], b: b[name] }));
}

function compareMetric(name: string, a: number | undefined, b: number | undefined, direction: MetricDirection | undefined): MetricComparison {
  const difference = a !== undefined && b !== undefined ? b - a : undefined;
  let winner: MetricComparison['winner'];
  if (difference !== undefined && direction !== undefined) {
    winner = difference === 0 ? 'tie' : (difference > 0) === (direction === 'higher') ? 'b' : 'a';
  }
  return { name, a, b, difference, direction, winner };
}

/** Side-by-side comparison of two versions' metrics, params, tags and artifacts (by digest). */
export function compareManifests(a: Manifest, b: Manifest, directions: Readonly<Record<string, MetricDirection>>): ManifestComparison {
  const artifactsA = new Map(a.artifacts.map((artifact) => [artifact.name, artifact]));
  const artifactsB = new Map(b.artifacts.map((artifact) => [artifact.name, artifact]));
  const artifacts = [...new Set([...artifactsA.keys(), ...artifactsB.keys()])].sort().map((name): ArtifactChange => {
    const left = artifactsA.get(name);
    const right = artifactsB.get(name);
    const change = !left ? 'added' : !right ? 'removed' : left.digest === right.digest ? 'unchanged' : 'changed';
    return { name, change, a: left && { digest: left.digest, size: left.size }, b: right && { digest: right.digest, size: right.size } };
  });
  return {
    metrics: sortedUnion(a.metrics, b.metrics).map((name) => compareMetric(name, a.metrics[name], b.metrics[name], directions[name])),
    params: differences(a.params, b.params),
    tags: differences(a.tags, b.tags),
    artifacts,
  };
}
