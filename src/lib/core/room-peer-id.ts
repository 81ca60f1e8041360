/**
 * PeerJS ids for a conversation's room. The id names the conversation and the person, so the
 * signaling server can check on connect that the socket's session is that person and that they
 * belong to that conversation, and can refuse to relay messages to peers of another room.
 * PeerJS allows letters, digits, and single `-`/`_` inside an id; our ids are UUIDs (hex and `-`).
 */
const PREFIX = 'cg';
const ID_PART = /^[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*$/;

export function roomPeerId({ conversationId, userId }: { conversationId: string; userId: string }): string {
	if (!ID_PART.test(conversationId) || !ID_PART.test(userId)) {
		throw new Error('Conversation and user ids must be letters, digits and single dashes.');
	}
	return `${PREFIX}_${conversationId}_${userId}`;
}

export function parseRoomPeerId(peerId: string): { conversationId: string; userId: string } | undefined {
	const parts = peerId.split('_');
	if (parts.length !== 3 || parts[0] !== PREFIX) return undefined;
	const [, conversationId = '', userId = ''] = parts;
	if (!ID_PART.test(conversationId) || !ID_PART.test(userId)) return undefined;
	return { conversationId, userId };
}

/** True when `peerId` is someone in the room of `conversationId`. */
export function inRoom(peerId: string, conversationId: string): boolean {
	return parseRoomPeerId(peerId)?.conversationId === conversationId;
}
