import type { SessionUser, ConversationRecord } from '../store/types.ts';

/**
 * Who may do what with a conversation's shared things (question list, call room, recording):
 * its two participants and its facilitator take part; coordinators may look on read-only;
 * everyone else, partner-organization staff included, is refused (DESIGN.md, "Privacy rules").
 */
export type ConversationAccess = 'participant' | 'facilitator' | 'observer' | 'none';

export function conversationAccess(
	conversation: Pick<ConversationRecord, 'participantIds' | 'facilitatorId'>,
	user: Pick<SessionUser, 'userId' | 'role'> | undefined
): ConversationAccess {
	if (!user) return 'none';
	if (conversation.participantIds.includes(user.userId)) return 'participant';
	if (conversation.facilitatorId === user.userId) return 'facilitator';
	if (user.role === 'coordinator') return 'observer';
	return 'none';
}
