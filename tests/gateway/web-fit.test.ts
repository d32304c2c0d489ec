// The viewer's player fills its box with a stream of about the box's shape and shows any other shape
// whole (over its blurred copy): a portrait stream fills an upright phone, a landscape one does not.
import { describe, expect, it } from 'vitest';
import { fitFor } from '../../gateway/web/src/live/fit.ts';

describe('how the player fits a stream', () => {
  it('fills with a stream within 1.3× of the box shape, else shows it whole', () => {
    // 9:16 portrait camera on a 360 × 740 phone: fills (cropped a little).
    expect(fitFor(720, 1280, 360, 740)).toBe('cover');
    // 4:3 landscape camera on the same phone: whole, centred.
    expect(fitFor(640, 480, 360, 740)).toBe('contain');
    // 16:9 on a 16:10 laptop player: fills.
    expect(fitFor(1280, 720, 1000, 625)).toBe('cover');
    // Portrait on a wide player: whole.
    expect(fitFor(720, 1280, 1000, 600)).toBe('contain');
    // Nothing known yet: fill.
    expect(fitFor(0, 0, 360, 740)).toBe('cover');
  });
});
