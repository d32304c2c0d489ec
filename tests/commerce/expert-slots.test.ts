// Slots from weekly hours: spans in the expert's local time (a fixed UTC offset) cut into whole slots,
// none on a day off, a span's remainder shorter than a slot dropped, each slot at its span's clinic or
// online; slotAt accepts exactly the starts the list offers.
import { describe, expect, it } from 'vitest';
import { slotAt, slotsBetween } from '../../commerce/experts/hours.ts';

const H = 3_600_000;
// Monday 2026-12-07 00:00 in UTC+8 is 2026-12-06 16:00 UTC.
const MONDAY_LOCAL_MIDNIGHT = Date.UTC(2026, 11, 6, 16);

const expert = {
  slotMinutes: 40,
  utcOffsetMin: 480,
  weeklyHours: [
    { weekday: 1, fromMin: 9 * 60, toMin: 11 * 60, clinicId: 'north' },
    { weekday: 1, fromMin: 14 * 60, toMin: 15 * 60, clinicId: null },
    { weekday: 2, fromMin: 9 * 60, toMin: 10 * 60, clinicId: 'north' },
  ],
  daysOff: ['2026-12-08'],
};

describe('slots from weekly hours', () => {
  it('cuts each span into whole slots in local time, at its clinic or online', () => {
    const slots = slotsBetween(expert, MONDAY_LOCAL_MIDNIGHT, MONDAY_LOCAL_MIDNIGHT + 24 * H);
    const at = (h: number, m = 0) => MONDAY_LOCAL_MIDNIGHT + h * H + m * 60_000;
    expect(slots).toEqual([
      { startsAtMs: at(9), endsAtMs: at(9, 40), clinicId: 'north' },
      { startsAtMs: at(9, 40), endsAtMs: at(10, 20), clinicId: 'north' },
      // 10:20–11:00 leaves 40 minutes: one more; 14:00–15:00 leaves one (the 20-minute rest is dropped).
      { startsAtMs: at(10, 20), endsAtMs: at(11), clinicId: 'north' },
      { startsAtMs: at(14), endsAtMs: at(14, 40), clinicId: null },
    ]);
  });

  it('offers nothing on a day off, and the next week again', () => {
    const tuesday = MONDAY_LOCAL_MIDNIGHT + 24 * H;
    expect(slotsBetween(expert, tuesday, tuesday + 24 * H)).toEqual([]);
    const nextTuesday = tuesday + 7 * 24 * H;
    expect(slotsBetween(expert, nextTuesday, nextTuesday + 24 * H)).toHaveLength(1);
  });

  it('accepts exactly the starts it lists', () => {
    const first = MONDAY_LOCAL_MIDNIGHT + 9 * H;
    expect(slotAt(expert, first)?.clinicId).toBe('north');
    expect(slotAt(expert, first + 60_000)).toBeUndefined();
    expect(slotAt(expert, MONDAY_LOCAL_MIDNIGHT + 14 * H + 40 * 60_000)).toBeUndefined();
    expect(slotAt(expert, MONDAY_LOCAL_MIDNIGHT + 24 * H + 9 * H)).toBeUndefined();
  });
});
