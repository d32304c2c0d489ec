// Headless Chromium for tests and benchmarks (fake camera and microphone, WebRTC allowed on loopback),
// and the web pages it opens, built when their sources changed.
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';

export const CHROMIUM = '/usr/bin/chromium';

/** Newest modification time under a folder (files only), skipping the build output. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    if (full.includes(`${path.sep}dist${path.sep}`)) continue;
    newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Builds the web pages unless the build is newer than every source file (`npm test` builds first).
 * Browser test files run in parallel, and rebuilding empties the folder another file's server reads.
 */
export async function buildWebPages(): Promise<void> {
  const web = path.resolve('gateway/web');
  const marker = path.join(web, 'dist', 'live.html');
  if (existsSync(marker) && statSync(marker).mtimeMs >= newestMtime(web)) return;
  await build({ configFile: path.join(web, 'vite.config.ts'), logLevel: 'silent' });
}

/** `extraArgs` e.g. `--use-file-for-fake-video-capture=<file.y4m>` to feed the fake camera a video. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      // The only interface may be loopback; WebRTC ignores it unless told otherwise.
      '--allow-loopback-in-peer-connection',
      ...extraArgs,
    ],
  });
}
