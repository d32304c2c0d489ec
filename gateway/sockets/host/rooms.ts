// Room names of the /host namespace.
export const hostRoom = (sessionId: string) => `h:${sessionId}`;
/** Every console socket of a person who is not staff: let go together when a session changes host. */
export const hostPersonRoom = (personId: string) => `hp:${personId}`;
