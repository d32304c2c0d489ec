// Compiles server entry points to plain JavaScript in dist/ (one ESM file each, npm packages left as
// imports), so production processes run without the TypeScript loader: at rest the platform takes
// ≈ 139 MB instead of ≈ 215 MB, since no transformed sources or source maps stay in memory.
// `npm run build:server` builds the platform (dist/main.mjs, with its broker child dist/broker.mjs) and
// the standalone edge (dist/edge.mjs) and a media node on its own (dist/media.mjs, `npm run media`);
// benchmarks and tests call bundle() for their own entry points.
// Every output sits one folder below the repository root, as gateway/*.ts does, so paths a module
// resolves from its own address (the web build, see gateway/web-static.ts) hold in both layouts.
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '..');

export const SERVER_ENTRIES: Record<string, string> = {
  main: 'gateway/main.ts',
  edge: 'edge/main.ts',
  media: 'gateway/media-main.ts',
  // The platform's broker child (forked by gateway/broker-process.ts).
  broker: 'gateway/broker-child.ts',
};

/** Builds `dist/<name>.mjs` for each entry (paths relative to the repository root); returns the outputs. */
export async function bundle(entries: Record<string, string>): Promise<Record<string, string>> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: Object.entries(entries).map(([out, input]) => ({ in: input, out })),
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  });
  return Object.fromEntries(
    Object.keys(entries).map((name) => [name, path.join(ROOT, 'dist', `${name}.mjs`)]),
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  await bundle(SERVER_ENTRIES);
}
