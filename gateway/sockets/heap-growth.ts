// How far V8 lets the heap grow past what survived its last full collection, by connection count.
// V8 picks that factor itself (up to 4× when collections are fast), which suits request bursts: garbage
// is collected in few, large steps. A gateway holding thousands of viewers has a large live heap made
// of their connections, and the same factor then keeps tens of MB of garbage resident (README,
// Performance). So above `above` engine.io connections the heap may grow by `percent` only, and V8's own
// factor comes back below half of that. The flag is read at each collection, so it can change at run
// time. A `--heap-growing-percent` on the node command line is left alone.
import { setFlagsFromString } from 'node:v8';

export interface HeapGrowthOptions {
  /** Connections from which growth is bounded. @default 2000 */
  above?: number;
  /** Growth allowed then, in % of the heap that survived the last full collection. @default 50 */
  percent?: number;
}

export interface HeapGrowth {
  /** Whether growth is bounded now. */
  readonly bounded: boolean;
  /** Re-evaluates against the current number of connections. */
  update(connections: number): void;
}

export function heapGrowth(opts: HeapGrowthOptions = {}): HeapGrowth {
  const above = opts.above ?? 2000;
  const percent = opts.percent ?? 50;
  const operatorSet = process.execArgv.some((a) => /^--heap[-_]growing[-_]percent/.test(a));
  let bounded = false;
  return {
    get bounded() {
      return bounded;
    },
    update(connections) {
      const next = bounded ? connections >= above / 2 : connections >= above;
      if (next === bounded) return;
      bounded = next;
      if (!operatorSet) setFlagsFromString(`--heap-growing-percent=${bounded ? percent : 0}`);
    },
  };
}
