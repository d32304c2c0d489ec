// docs/configuration.md is generated from gateway/config.ts (`npm run docs:config`): this fails when a
// setting, its default or its comment changed and the page was not generated again, and checks that
// the generator lists every setting the loader reads, with the loader's own defaults.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../gateway/config.ts';
import { CONFIG_PAGE, currentPage, readSettings } from '../../scripts/config-docs.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('docs/configuration.md', () => {
  it('is what `npm run docs:config` writes from gateway/config.ts today', () => {
    const onDisk = fs.readFileSync(path.join(ROOT, CONFIG_PAGE), 'utf8');
    // On failure: run `npm run docs:config` and commit the page.
    expect(onDisk).toBe(currentPage());
  });

  it('lists every setting, each with a meaning, and literal defaults as the code has them', () => {
    const settings = readSettings();
    expect(settings.map((s) => s.name)).toEqual(Object.keys(DEFAULTS));
    for (const s of settings) expect(s.meaning, s.name).not.toBe('');
    for (const s of settings) {
      const value = DEFAULTS[s.name as keyof typeof DEFAULTS];
      // Machine-dependent defaults (MEDIA_WORKERS) are described in words instead.
      if (typeof value === 'number' && s.name !== 'MEDIA_WORKERS') {
        expect(s.defaultText.startsWith(`\`${value}\``), s.name).toBe(true);
      }
      if (typeof value === 'string') expect(s.defaultText.startsWith(`\`${value}\``), s.name).toBe(true);
      if (value === undefined) expect(s.defaultText.startsWith('unset'), s.name).toBe(true);
    }
  });
});
