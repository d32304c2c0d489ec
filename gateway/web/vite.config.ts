// Builds the web apps into gateway/web/dist, served by the gateway: the viewer (/live/:id), the host
// console (/host), the member page (/me), the lives list (/lives) and the staff pages (/staff), plus the minimal media pages and the consultation call at /web/. Preact with JSX.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

export default defineConfig({
  root: here('.'),
  base: '/web/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: here('./dist'),
    emptyOutDir: true,
    // No source maps in the served bundle: nothing but the shipped code goes out.
    sourcemap: false,
    rollupOptions: {
      input: {
        host: here('./host.html'),
        viewer: here('./viewer.html'),
        live: here('./live.html'),
        console: here('./console.html'),
        me: here('./me.html'),
        lives: here('./lives.html'),
        staff: here('./staff.html'),
        consult: here('./consult.html'),
      },
    },
  },
});
