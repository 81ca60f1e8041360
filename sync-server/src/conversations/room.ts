import { roomPeerId } from '../../../src/lib/core/room-peer-id.ts';
import type { RoomMember } from '../../../src/lib/contracts/call.ts';
import type { Rejection } from '../outcome.ts';
import type { ConversationRecord, SessionUser, Store } from '../store/types.ts';
import { conversationAccess } from './access.ts';

export type Admission =
	| { ok: true; conversation: ConversationRecord; role: RoomMember['role'] }
	| { ok: false; rejection: Rejection };

const CLOSED = new Set(['declined', 'cancelled']);

export const ROOM_MESSAGES = {
	notFound: 'There is no conversation at this address. Check the link in your email, or ask the coordinator.',
	notMember:
		"This conversation's room is open only to its two participants and its facilitator. If you think you should be in it, ask the coordinator.",
	closed: 'This conversation was called off, so its room is closed. The coordinator can tell you what comes next.'
} as const;

/**
 * Who may enter a conversation's room (the call and its recording): its two participants and its
 * facilitator, checked on the server for the room API and for every signaling socket (issue #5,
 * "Access"). Coordinators, who may read the question list, do not hear the call.
 */
export async function admitToRoom(
	store: Pick<Store, 'conversations'>,
	conversationId: string,
	user: SessionUser
): Promise<Admission> {
	const conversation = await store.conversations.findById(conversationId);
	if (!conversation) return { ok: false, rejection: { code: 'not_found', message: ROOM_MESSAGES.notFound } };
	const access = conversationAccess(conversation, user);
	if (access !== 'participant' && access !== 'facilitator') {
		return { ok: false, rejection: { code: 'forbidden', message: ROOM_MESSAGES.notMember } };
	}
	if (CLOSED.has(conversation.status)) {
		return { ok: false, rejection: { code: 'forbidden', message: ROOM_MESSAGES.closed } };
	}
	return { ok: true, conversation, role: access };
}

/** Everyone who may be in the room, first names only. */
export async function roomMembers(
	store: Pick<Store, 'users'>,
	conversation: ConversationRecord
): Promise<RoomMember[]> {
	const people: [string, RoomMember['role']][] = conversation.participantIds.map((id) => [id, 'participant']);
	if (conversation.facilitatorId) people.push([conversation.facilitatorId, 'facilitator']);
	const members: RoomMember[] = [];
	for (const [userId, role] of people) {
		const user = await store.users.findById(userId);
		if (!user) continue;
		members.push({
			userId,
			firstName: user.firstName,
			role,
			peerId: roomPeerId({ conversationId: conversation.id, userId })
		});
	}
	return members;
}
