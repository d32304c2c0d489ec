// The web apps show every coded error in the person's language: each code of the registry has a text
// in Simplified Chinese, Traditional Chinese and English, with the same placeholders as the others.
import { describe, expect, it } from 'vitest';
import { ERROR_TEXTS } from '../../gateway/web/src/common/error-texts.ts';
import { ERRORS } from '../../protocols/errors.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('web error texts', () => {
  for (const lang of ['en', 'zh-Hans', 'zh-Hant'] as const) {
    it(`${lang} has a text for every error code`, () => {
      const table = ERROR_TEXTS[lang] as Record<string, string | undefined>;
      const missing = Object.keys(ERRORS).filter((code) => !table[code]);
      expect(missing).toEqual([]);
    });
  }

  it('uses the same placeholders in every language', () => {
    for (const code of Object.keys(ERROR_TEXTS.en)) {
      const en = placeholders((ERROR_TEXTS.en as Record<string, string>)[code]!);
      for (const lang of ['zh-Hans', 'zh-Hant'] as const) {
        const other = (ERROR_TEXTS[lang] as Record<string, string | undefined>)[code];
        expect(other, `${lang} ${code}`).toBeDefined();
        expect(placeholders(other!), `${lang} ${code}`).toEqual(en);
      }
    }
  });
});
