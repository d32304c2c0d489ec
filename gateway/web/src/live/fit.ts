// How the player fits a stream into its box: a stream shaped about like the box fills it (cropped a
// little); any other shape is shown whole, centred (the stage draws a blurred copy behind it).

/** Up to this much wider or taller than its box, a video fills the box (the rest is cropped). */
const FILL_WITHIN = 1.3;

export type Fit = 'cover' | 'contain';

export function fitFor(videoW: number, videoH: number, boxW: number, boxH: number): Fit {
  if (!videoW || !videoH || !boxW || !boxH) return 'cover';
  const ratio = videoW / videoH / (boxW / boxH);
  return ratio <= FILL_WITHIN && ratio >= 1 / FILL_WITHIN ? 'cover' : 'contain';
}
