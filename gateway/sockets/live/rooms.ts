// Room names of the /live namespace: a session's viewers, and a person's own updates.
export const sessionRoom = (sessionId: string) => `s:${sessionId}`;
export const personRoom = (personId: string) => `p:${personId}`;
