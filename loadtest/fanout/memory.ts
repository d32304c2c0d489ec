// What a fan-out server reports when asked about memory: resident set, and how much of the V8 heap is
// in use and reserved, so a difference in RSS can be told apart from a difference in live objects.
export interface MemoryFigures {
  rssMb: number;
  heapUsedMb: number;
  heapTotalMb: number;
  externalMb: number;
}

export function memoryFigures(): MemoryFigures {
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  return {
    rssMb: m.rss / 1048576,
    heapUsedMb: mb(m.heapUsed),
    heapTotalMb: mb(m.heapTotal),
    externalMb: mb(m.external),
  };
}
