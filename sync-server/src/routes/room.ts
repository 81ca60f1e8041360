import { Hono } from 'hono';
import * as v from 'valibot';
import { RoomInfo, ServerTime } from '../../../src/lib/contracts/call.ts';
import { admitToRoom, roomMembers } from '../conversations/room.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import { requireRole, signedInUser } from '../http/session.ts';
import { iceServersFor } from '../signaling/ice.ts';
import { DEFAULT_TARGET_MINUTES } from '../../../src/lib/core/conversation-timer.ts';

/** GET /api/conversations/:id/room: everything a member needs to join the call (issue #5). */
export function roomRoutes({ store, env, clock }: AppDeps) {
	return new Hono<AppEnv>().get('/:id/room', requireRole(), async (c) => {
		const user = signedInUser(c);
		const admission = await admitToRoom(store, c.req.param('id'), user);
		if (!admission.ok) throw AppError.from(admission.rejection);
		const { conversation, role } = admission;
		const members = await roomMembers(store, conversation);
		const me = members.find((m) => m.userId === user.userId);
		if (!me) throw new Error(`room member ${user.userId} (${role}) has no user record`);
		const community = await store.communities.findById(conversation.communityId);
		const room: RoomInfo = {
			conversationId: conversation.id,
			me,
			members,
			targetMinutes: community?.conversationMinutes ?? DEFAULT_TARGET_MINUTES,
			iceServers: iceServersFor({
				iceServers: env.iceServers,
				turnSecret: env.turnSecret,
				userId: user.userId,
				now: clock()
			}),
			...(env.callAudioPreset ? { callAudioPreset: env.callAudioPreset } : {})
		};
		return c.json(v.parse(RoomInfo, room));
	});
}

/** GET /api/time: the server clock, answered at once, for the recorder's ping/pong clock offset. */
export function timeRoutes({ clock }: AppDeps) {
	return new Hono<AppEnv>().get('/', (c) => c.json(v.parse(ServerTime, { serverTime: clock().getTime() })));
}
