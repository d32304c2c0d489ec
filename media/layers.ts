// Which simulcast layer a viewer should receive: the lower of what its screen needs (the client's
// hint) and what its link carries (the server's bandwidth estimate). New viewers start on layer 0 so
// the first keyframe is small and arrives fast; the room moves them up to this target afterwards.

export interface LayerHint {
  /** Height of the video element in CSS pixels × devicePixelRatio. */
  viewportHeight?: number | undefined;
  /** Highest spatial layer the client wants (0 lowest). */
  maxSpatialLayer?: number | undefined;
  /** The client's own downlink estimate (navigator.connection.downlink), bits per second. */
  bandwidthBps?: number | undefined;
}

/** Nominal height of each spatial layer for a 720p source sent as 3 layers scaled 4:2:1. */
const LAYER_HEIGHTS = [180, 360, 720];
/** Bitrate a layer needs, in bits per second; matches what browsers send for VP8 at 180/360/720p. */
const LAYER_BITRATES = [150_000, 500_000, 1_500_000];

export function pickSpatialLayer(
  hint: LayerHint,
  availableBitrateBps: number | undefined,
  spatialLayers: number,
): number {
  const top = Math.max(0, spatialLayers - 1);
  let layer = top;
  if (hint.maxSpatialLayer !== undefined) layer = Math.min(layer, hint.maxSpatialLayer);
  if (hint.viewportHeight !== undefined) {
    const fits = LAYER_HEIGHTS.findIndex((h) => h >= hint.viewportHeight! * 0.9);
    layer = Math.min(layer, fits === -1 ? top : fits);
  }
  const rates = [availableBitrateBps, hint.bandwidthBps].filter((r): r is number => r !== undefined);
  if (rates.length > 0) {
    const available = Math.min(...rates);
    let byRate = 0;
    for (let i = 0; i <= top; i++) {
      if ((LAYER_BITRATES[i] ?? Number.POSITIVE_INFINITY) <= available) byRate = i;
    }
    layer = Math.min(layer, byRate);
  }
  return Math.max(0, layer);
}
