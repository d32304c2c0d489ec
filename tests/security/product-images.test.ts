// Product photo uploads are judged by content and only staff may add or remove them: a member, a host,
// an anonymous caller and an expired token are refused; a PNG carrying a script, an SVG (under its own
// type or posing as a PNG), a header claiming a decompression bomb, a JPEG declared as PNG, a JSON body
// and an oversized body all get coded errors and leave nothing on disk. What is stored carries no EXIF
// (GPS) and is served immutable with an ETag; no name reaches outside DATA_DIR/images.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, postOk } from '../helpers/http-call.ts';
import { jpegWithGps, png, pngBomb, pngWithScript, SVG } from '../helpers/images.ts';
import { type LiveNode, startLiveNode } from '../helpers/live-platform.ts';
import { type Seeded, seedPerson, testTokens } from '../helpers/people.ts';
import { TEST_METRICS_TOKEN } from '../helpers/platform-process.ts';

const tokens = testTokens();
const MAX_BYTES = 200_000;

describe('product photos', () => {
  let node: LiveNode;
  let staff: Seeded;
  let member: Seeded;
  let host: Seeded;
  let seq = 0;

  beforeAll(async () => {
    node = await startLiveNode({ IMAGE_MAX_BYTES: String(MAX_BYTES), PRODUCT_IMAGES_MAX: '2' });
    staff = await seedPerson(node.platform.store, tokens, { roles: ['staff'] });
    member = await seedPerson(node.platform.store, tokens);
    host = await seedPerson(node.platform.store, tokens, { roles: ['host'] });
  }, 60_000);
  afterAll(async () => {
    await node?.close();
  });

  const imagesDir = () => path.join(node.dataDir, 'images');
  const storedFiles = () =>
    fs.existsSync(imagesDir()) ? fs.readdirSync(imagesDir()).filter((n) => !n.startsWith('.')) : [];

  async function product(): Promise<string> {
    const p = await postOk(node.url, staff.token, '/api/products', {
      titles: { en: 'Shake', 'zh-Hans': 'Shake', 'zh-Hant': 'Shake' },
      skus: [{ code: `IMG-${Date.now()}-${++seq}`, priceMinor: 5_000, currency: 'CNY', stock: 5 }],
    });
    return p.productId as string;
  }

  async function upload(productId: string, body: Buffer, type: string, token: string = staff.token) {
    const headers: Record<string, string> = { 'content-type': type };
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(`${node.url}/api/products/${productId}/images`, {
      method: 'POST',
      headers,
      body,
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  }

  it('stores a staff upload as WebP at three widths without EXIF, served immutable with an ETag', async () => {
    const productId = await product();
    const jpeg = await jpegWithGps();
    expect((await sharp(jpeg).metadata()).exif).toBeDefined();
    const res = await upload(productId, jpeg, 'image/jpeg');
    expect(res.status).toBe(201);
    const urls = res.body.urls as Record<string, string>;
    expect(Object.keys(urls).sort()).toEqual(['1080', '160', '480']);
    const got = await fetch(`${node.url}${urls['160']}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/webp');
    expect(got.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const etag = got.headers.get('etag');
    expect(etag).toMatch(/^"[0-9a-f]{32}-160"$/);
    const served = Buffer.from(await got.arrayBuffer());
    const meta = await sharp(served).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: 160, height: 120 });
    expect(meta.exif).toBeUndefined();
    const again = await fetch(`${node.url}${urls['160']}`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
    // Never enlarged: the 640-px original is the "1080" size as it is.
    expect(
      (await sharp(Buffer.from(await (await fetch(`${node.url}${urls['1080']}`)).arrayBuffer())).metadata())
        .width,
    ).toBe(640);
    const listed = await call(node.url, 'GET', `/api/products/${productId}`, { token: member.token });
    expect(listed.body.images).toEqual([res.body]);
  });

  it('reports the photos on disk on /healthz and /metrics to the monitoring token only', async () => {
    const productId = await product();
    expect((await upload(productId, await jpegWithGps(), 'image/jpeg')).status).toBe(201);
    const onDisk = storedFiles();
    const bytes = onDisk.reduce((n, f) => n + fs.statSync(path.join(imagesDir(), f)).size, 0);
    const auth = { authorization: `Bearer ${TEST_METRICS_TOKEN}` };
    const health = (await (await fetch(`${node.url}/healthz`, { headers: auth })).json()) as {
      subsystems: Record<string, unknown>;
    };
    expect(health.subsystems.images).toEqual({ state: 'ok', files: onDisk.length, bytes });
    const metrics = await (await fetch(`${node.url}/metrics`, { headers: auth })).text();
    expect(metrics).toMatch(new RegExp(`^vitalive_image_files ${onDisk.length}$`, 'm'));
    expect(metrics).toMatch(new RegExp(`^vitalive_image_bytes ${bytes}$`, 'm'));
    // Without the token a probe learns the status only.
    expect(await (await fetch(`${node.url}/healthz`)).json()).toEqual({ status: 'ok' });
  });

  it('refuses members, hosts, anonymous callers and expired tokens; nothing is stored', async () => {
    const productId = await product();
    const before = storedFiles();
    const image = await png(300, 300, '#123');
    expect((await upload(productId, image, 'image/png', member.token)).body.code).toBe('FORBIDDEN');
    expect((await upload(productId, image, 'image/png', host.token)).body.code).toBe('FORBIDDEN');
    expect((await upload(productId, image, 'image/png', '')).body.code).toBe('AUTH_REQUIRED');
    const expired = await tokens.mintAccess(staff.person.id, staff.person.roles, Date.now() - 3_600_000);
    expect((await upload(productId, image, 'image/png', expired)).body.code).toBe('AUTH_INVALID_TOKEN');
    expect(storedFiles()).toEqual(before);
  });

  it.each([
    ['a PNG with a script appended', async () => pngWithScript(), 'image/png', 'IMAGE_INVALID'],
    ['an SVG under its own type', async () => SVG, 'image/svg+xml', 'HTTP_MEDIA_TYPE_UNSUPPORTED'],
    ['an SVG posing as a PNG', async () => SVG, 'image/png', 'IMAGE_INVALID'],
    [
      'a header claiming 16000 × 16000 pixels (256 MP)',
      async () => pngBomb(),
      'image/png',
      'IMAGE_TOO_LARGE',
    ],
    ['a JPEG declared as a PNG', async () => jpegWithGps(64, 64), 'image/png', 'IMAGE_INVALID'],
    ['a truncated PNG', async () => (await png(300, 300)).subarray(0, 200), 'image/png', 'IMAGE_INVALID'],
    [
      'JSON',
      async () => Buffer.from('{"url":"http://x"}'),
      'application/json',
      'HTTP_MEDIA_TYPE_UNSUPPORTED',
    ],
    ['a GIF', async () => Buffer.from('GIF89a\x01\x00\x01\x00'), 'image/gif', 'HTTP_MEDIA_TYPE_UNSUPPORTED'],
    [
      'a body over IMAGE_MAX_BYTES',
      async () => Buffer.alloc(MAX_BYTES + 1, 7),
      'image/png',
      'IMAGE_TOO_LARGE',
    ],
  ])('refuses %s and stores nothing', async (_what, make, type, code) => {
    const productId = await product();
    const before = storedFiles();
    const res = await upload(productId, await make(), type as string);
    expect(res.body.code).toBe(code);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(storedFiles()).toEqual(before);
    expect(
      (await call(node.url, 'GET', `/api/products/${productId}`, { token: staff.token })).body.images,
    ).toEqual([]);
  });

  it('keeps at most PRODUCT_IMAGES_MAX photos; the refused one leaves no file', async () => {
    const productId = await product();
    expect((await upload(productId, await png(100, 100, '#010101'), 'image/png')).status).toBe(201);
    expect((await upload(productId, await png(100, 100, '#020202'), 'image/png')).status).toBe(201);
    const before = storedFiles();
    const third = await upload(productId, await png(100, 100, '#030303'), 'image/png');
    expect(third.body.code).toBe('PRODUCT_IMAGE_LIMIT');
    expect(storedFiles()).toEqual(before);
  });

  it('staff remove a photo (files go); members cannot', async () => {
    const productId = await product();
    const added = await upload(productId, await png(120, 90, '#0a0b0c'), 'image/png');
    const imageId = added.body.imageId as string;
    const url = (added.body.urls as Record<string, string>)['480']!;
    const asMember = await call(node.url, 'DELETE', `/api/products/${productId}/images/${imageId}`, {
      token: member.token,
    });
    expect(asMember.body.code).toBe('FORBIDDEN');
    expect((await fetch(`${node.url}${url}`)).status).toBe(200);
    const gone = await fetch(`${node.url}/api/products/${productId}/images/${imageId}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${staff.token}` },
    });
    expect(gone.status).toBe(204);
    expect((await fetch(`${node.url}${url}`)).status).toBe(404);
    const again = await call(node.url, 'DELETE', `/api/products/${productId}/images/${imageId}`, {
      token: staff.token,
    });
    expect(again.body.code).toBe('NOT_FOUND');
  });

  it.each([
    '/images/..%2Fauth-secret',
    '/images/%2e%2e%2f%2e%2e%2fpackage.json',
    '/images/..%5C..%5Cauth-secret',
    `/images/${'a'.repeat(64)}-160.webp%00.png`,
    `/images/${'a'.repeat(64)}-161.webp`,
    `/images/${'A'.repeat(64)}-160.webp`,
    '/images/../auth-secret',
    '/images/.%2e/.%2e/auth-secret',
  ])('GET %s never reaches outside the images folder', async (p) => {
    fs.writeFileSync(path.join(node.dataDir, 'auth-secret-canary'), 'canary-secret-bytes');
    const res = await fetch(`${node.url}${p}`);
    const text = await res.text();
    expect(res.status).toBe(404);
    expect(JSON.parse(text).code).toBe('NOT_FOUND');
    expect(text).not.toContain('canary');
  });
});
