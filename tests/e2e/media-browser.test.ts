// A real browser end to end: headless Chromium publishes its fake camera (1280x720, 3 VP8 simulcast
// layers) from the host page; a second page watches and must decode frames. Navigation → first
// decoded frame is printed as a figure.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebPages, launchChromium } from '../../loadtest/clients/browser.ts';
import { type MediaNode, publishFromHostPage, startMediaNode } from '../../loadtest/clients/media-node.ts';

describe('media in a real browser', () => {
  let node: MediaNode;
  let browser: Browser;

  beforeAll(async () => {
    await buildWebPages();
    node = await startMediaNode(2);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await node?.close();
  });

  it('a viewer page decodes what the host page publishes', async () => {
    const { context, host } = await publishFromHostPage(browser, node, 'B1', 'host-b');
    const room = node.platform.mediaGateway.rooms.get('B1')!;
    const video = room.mediaObjects().producers.find((p) => p.kind === 'video')!;
    expect(video.type).toBe('simulcast');
    expect(video.rtpParameters.encodings).toHaveLength(3);

    const viewer = await context.newPage();
    await viewer.goto(`${node.baseUrl}/web/viewer.html?session=B1`);
    await viewer.waitForFunction(
      () =>
        (globalThis as unknown as { vitaliveViewer?: { framesDecoded(): Promise<number> } }).vitaliveViewer
          ?.framesDecoded()
          .then((n) => n > 0),
      undefined,
      { timeout: 20_000, polling: 100 },
    );
    const frames = await viewer.evaluate(() =>
      (
        globalThis as unknown as { vitaliveViewer: { framesDecoded(): Promise<number> } }
      ).vitaliveViewer.framesDecoded(),
    );
    expect(frames).toBeGreaterThan(0);
    const firstFrameMs = await viewer.evaluate(
      () =>
        (globalThis as unknown as { vitaliveViewer: { firstFrameMs?: number } }).vitaliveViewer.firstFrameMs,
    );
    console.log(
      JSON.stringify({ figure: 'media.viewerFirstFrameMs', firstFrameMs: Math.round(firstFrameMs ?? -1) }),
    );
    const stats = await node.platform.mediaGateway.stats();
    // The viewer's audio and video, and the recorder's (RECORDING_ENABLED is on by default).
    expect(stats.rooms.find((r) => r.sessionId === 'B1')).toMatchObject({ producers: 2, consumers: 4 });

    // The worker under the room dies: both pages are told to reconnect, do, and video resumes.
    const killedAt = performance.now();
    process.kill(room.routers[0]!.slot.worker!.pid, 'SIGKILL');
    await host.waitForFunction(
      () => {
        const s = (
          globalThis as unknown as {
            vitaliveHost: { sendTransport: string; producers: number; publishes: number };
          }
        ).vitaliveHost;
        return s.publishes >= 2 && s.sendTransport === 'connected' && s.producers === 2;
      },
      undefined,
      { timeout: 20_000 },
    );
    await viewer.waitForFunction(
      () => {
        const v = (
          globalThis as unknown as { vitaliveViewer: { joins: number; framesDecoded(): Promise<number> } }
        ).vitaliveViewer;
        return v.joins >= 2 && v.framesDecoded().then((n) => n > 0);
      },
      undefined,
      { timeout: 20_000, polling: 100 },
    );
    console.log(
      JSON.stringify({
        figure: 'media.browserResumeAfterWorkerKillMs',
        ms: Math.round(performance.now() - killedAt),
      }),
    );
    const after = node.platform.mediaGateway.rooms.get('B1')!;
    expect(after.producers()).toHaveLength(2);
    expect(after.consumerCount()).toBe(2);
    await context.close();
  });
});
