// Weekly hours and the slots they give: pure functions over an expert's availability (hours per weekday
// in a fixed UTC offset, local days off, slot length). No clock, no store: the same input gives the
// same slots, so the booking check and the slot list can never disagree.
import { VitaliveError } from '../../protocols/index.ts';

export interface LocalisedText {
  en: string;
  'zh-Hans': string;
  'zh-Hant': string;
}

/** One span of a weekday, minutes after local midnight; `clinicId` null (or absent) means online. */
export interface WeeklyHours {
  weekday: number;
  fromMin: number;
  toMin: number;
  clinicId?: string | null | undefined;
}

export interface Availability {
  slotMinutes: number;
  utcOffsetMin: number;
  weeklyHours: readonly WeeklyHours[];
  /** Local dates off, YYYY-MM-DD. */
  daysOff: readonly string[];
}

export interface Slot {
  startsAtMs: number;
  endsAtMs: number;
  /** Null: online. */
  clinicId: string | null;
}

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
/** A week's spans: enough for split shifts every day, small enough to read on every slot query. */
export const MAX_WEEKLY_SPANS = 42;

const invalid = (reason: string) => new VitaliveError('VALIDATION_FAILED', { reason });

/** Spans inside a day, start before end, no two overlapping on one weekday. */
export function checkHours(hours: readonly WeeklyHours[], opts: { online: boolean }): void {
  if (hours.length > MAX_WEEKLY_SPANS) throw invalid(`at most ${MAX_WEEKLY_SPANS} spans a week`);
  for (const h of hours) {
    if (!Number.isInteger(h.weekday) || h.weekday < 0 || h.weekday > 6) throw invalid('weekday is 0 to 6');
    if (!Number.isInteger(h.fromMin) || !Number.isInteger(h.toMin) || h.fromMin < 0 || h.toMin > 1440)
      throw invalid('hours are whole minutes within the day');
    if (h.fromMin >= h.toMin) throw invalid('a span starts before it ends');
    if (!opts.online && h.clinicId) throw invalid('opening hours name no clinic');
  }
  const sorted = [...hours].sort((a, b) => a.weekday - b.weekday || a.fromMin - b.fromMin);
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1]!, sorted[i]!];
    if (a.weekday === b.weekday && b.fromMin < a.toMin) throw invalid('spans of one weekday overlap');
  }
}

/** The local date (YYYY-MM-DD) and weekday of an instant in a fixed UTC offset. */
export function localDay(
  ms: number,
  utcOffsetMin: number,
): { date: string; weekday: number; startMs: number } {
  const local = ms + utcOffsetMin * MIN_MS;
  const dayIndex = Math.floor(local / DAY_MS);
  const d = new Date(dayIndex * DAY_MS);
  return {
    date: d.toISOString().slice(0, 10),
    weekday: d.getUTCDay(),
    startMs: dayIndex * DAY_MS - utcOffsetMin * MIN_MS,
  };
}

/** Every slot starting in [fromMs, toMs), in start order. */
export function slotsBetween(a: Availability, fromMs: number, toMs: number): Slot[] {
  const out: Slot[] = [];
  const step = a.slotMinutes * MIN_MS;
  const off = new Set(a.daysOff);
  for (let day = localDay(fromMs, a.utcOffsetMin).startMs; day < toMs; day += DAY_MS) {
    const { date, weekday } = localDay(day, a.utcOffsetMin);
    if (off.has(date)) continue;
    const spans = a.weeklyHours.filter((h) => h.weekday === weekday).sort((x, y) => x.fromMin - y.fromMin);
    for (const h of spans) {
      const end = day + h.toMin * MIN_MS;
      for (let start = day + h.fromMin * MIN_MS; start + step <= end; start += step) {
        if (start >= fromMs && start < toMs)
          out.push({ startsAtMs: start, endsAtMs: start + step, clinicId: h.clinicId ?? null });
      }
    }
  }
  return out;
}

/** The slot starting exactly at `startsAtMs`, if the availability offers one. */
export function slotAt(a: Availability, startsAtMs: number): Slot | undefined {
  return slotsBetween(a, startsAtMs, startsAtMs + 1).find((s) => s.startsAtMs === startsAtMs);
}
