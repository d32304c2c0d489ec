// The consultation's video call page, for the member's and the expert's join buttons.

/** The call stays open this long after the end (commerce/experts/consultation-video.ts). */
export const VIDEO_GRACE_MS = 15 * 60_000;

export const consultLink = (consultationId: string) =>
  `/web/consult.html?c=${encodeURIComponent(consultationId)}`;

/** A booked online consultation whose call is not over: it gets a join button. */
export const joinable = (c: { status: string; clinicId?: string | null; endsAtMs: number }) =>
  c.status === 'booked' && !c.clinicId && Date.now() < c.endsAtMs + VIDEO_GRACE_MS;
