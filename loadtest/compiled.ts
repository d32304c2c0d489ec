// Servers under benchmark run as compiled JavaScript, as `npm start` runs the platform (see
// scripts/bundle.ts), so neither the platform nor a baseline server carries the TypeScript loader in its
// memory and CPU figures. Drivers may keep running through tsx: only their speed matters.
import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';
import path from 'node:path';
import { bundle } from '../scripts/bundle.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Compiles `script` (relative to the repository root) and spawns it with plain node. */
export async function compiledNode(
  script: string,
  args: string[],
  options: SpawnOptions & { nodeArgs?: string[] } = {},
): Promise<ChildProcess> {
  const name = `bench-${script.replace(/\.ts$/, '').replaceAll('/', '-')}`;
  const outputs = await bundle({ [name]: script });
  const { nodeArgs = [], ...spawnOptions } = options;
  return spawn(process.execPath, [...nodeArgs, outputs[name]!, ...args], { cwd: ROOT, ...spawnOptions });
}
