// /api/live-sessions/:id/follow on the wire: a member follows the host of a session (and so hears of the
// host's next lives through the go-live and 15-minutes-before reminders).
import { type Static, Type } from 'typebox';

export const FollowReply = Type.Object({ sessionId: Type.String(), following: Type.Boolean() });
export type FollowReply = Static<typeof FollowReply>;
