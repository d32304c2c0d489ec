// Builds the minimal host and viewer pages into gateway/web/dist, served by the gateway at /web/.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/web/',
  logLevel: 'warn',
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    rollupOptions: { input: { host: here('./host.html'), viewer: here('./viewer.html') } },
  },
});
