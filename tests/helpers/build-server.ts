// Vitest global set-up: compiles the server entry points once per run, so tests that spawn the
// platform run the same JavaScript `npm start` runs, built from the sources under test.
import { bundle, SERVER_ENTRIES } from '../../scripts/bundle.ts';

export default async function setup(): Promise<void> {
  await bundle(SERVER_ENTRIES);
}
