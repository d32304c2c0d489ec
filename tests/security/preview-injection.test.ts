// A session title and a link's codes end up in the session page's HTML (its OpenGraph tags): a title
// written to break out of an attribute or the <title>, replacement patterns, and forged codes must stay
// inert text, and codes that are not share codes never reach the preview image's address.
import { describe, expect, it } from 'vitest';
import type { UpcomingLive } from '../../commerce/index.ts';
import { previewLang, previewTags, withPreview } from '../../gateway/web-preview.ts';

const PAGE =
  '<!doctype html><html><head><meta charset="utf-8" /><title>Vitalive · live</title></head><body></body></html>';

const live = (title: string, hostName = 'Host'): UpcomingLive => ({
  sessionId: 'abc',
  title,
  hostName,
  state: 'scheduled',
  scheduledAtMs: Date.UTC(2026, 11, 24, 12, 0),
  startedAtMs: null,
  lineup: null,
});

describe('session page preview', () => {
  it('keeps a hostile title and host name as text', () => {
    const title = `"><script>alert(1)</script><meta property="og:image" content="https://evil.example/x.png`;
    const html = withPreview(
      PAGE,
      previewTags({
        live: live(title, '</title><img src=x onerror=alert(1)>'),
        origin: 'https://shop.example',
        lang: 'en',
      }),
    );
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html.match(/property="og:image"/g)).toHaveLength(1);
    expect(html).toContain('content="https://shop.example/api/live-sessions/abc/poster.png?lang=en"');
    expect(html.match(/<title>/g)).toHaveLength(1);
  });

  it('does not expand replacement patterns in a title', () => {
    const html = withPreview(
      PAGE,
      previewTags({ live: live("$' $& $`"), origin: 'https://shop.example', lang: 'en' }),
    );
    expect(html).toContain('content="$&#39; $&amp; $`"');
    expect(html.match(/<\/head>/g)).toHaveLength(1);
    expect(html.match(/<body>/g)).toHaveLength(1);
  });

  it('passes on only well-formed share codes to the poster', () => {
    const tags = previewTags({
      live: live('Live'),
      origin: 'https://shop.example',
      lang: 'zh-Hant',
      ref: 'ABCD2345',
      ch: '"><x>&next=https://evil.example',
    });
    const image = /property="og:image" content="([^"]+)"/.exec(tags)![1]!.replaceAll('&amp;', '&');
    const url = new URL(image);
    expect(url.origin).toBe('https://shop.example');
    expect(url.searchParams.get('ref')).toBe('ABCD2345');
    expect(url.searchParams.has('ch')).toBe(false);
    expect(url.searchParams.has('next')).toBe(false);
  });

  it('reads the language from the page, then Accept-Language, never from anything else', () => {
    expect(previewLang('zh-Hant', 'en')).toBe('zh-Hant');
    expect(previewLang('<x>', 'zh-TW,zh;q=0.9')).toBe('zh-Hant');
    expect(previewLang(undefined, 'en-GB')).toBe('en');
    expect(previewLang(undefined, undefined)).toBe('zh-Hans');
  });
});
