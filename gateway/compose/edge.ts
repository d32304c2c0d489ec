// Builders for the device edge as gateway processes run it: the Edge itself (in the platform, in the
// broker's child process, in the edge benchmark), commerce's readings as its sink, and devices
// provisioned in an edge's data dir before they connect (simulators, benchmarks).
import type { Commerce } from '../../commerce/index.ts';
import { DeviceRegistry, Edge, type EdgeOptions, openEdgeDb, type ReadingSink } from '../../edge/index.ts';

/** Journaled readings go into commerce's readings; resolves once they are stored. */
export function commerceSink(commerce: Pick<Commerce, 'readings'>): ReadingSink {
  return { write: async (batch) => void (await commerce.readings.ingest(batch)) };
}

export function buildEdge(options: EdgeOptions): Edge {
  return new Edge(options);
}

/** Registers each device in the edge's data dir, or re-keys it when it exists; returns the secrets. */
export function provisionDevices(
  dataDir: string,
  ids: string[],
  kind: string,
  location: string,
): Array<{ id: string; secret: string }> {
  const db = openEdgeDb(dataDir);
  try {
    const registry = new DeviceRegistry(db);
    return ids.map((id) => ({ id, secret: registry.register(id, kind, location) ?? registry.rotate(id)! }));
  } finally {
    db.close();
  }
}
