import * as v from 'valibot';
import { MyConversation, MyMatching } from '../../../src/lib/contracts/matching.ts';
import { NO_SHOW_AFTER_MINUTES } from '../../../src/lib/core/conversation-state.ts';
import type { Env } from '../env.ts';
import type { ConversationRecord, Repos } from '../store/types.ts';
import { roomUrl } from './invite.ts';

/**
 * What a participant sees of their matches. The partner appears as first name and autobiography only,
 * and the output is validated against strict schemas, so nothing else can leak (DESIGN.md, "Privacy").
 */
export async function myMatching(
	repos: Repos,
	{ userId, env }: { userId: string; env: Env }
): Promise<MyMatching | undefined> {
	const participant = await repos.participants.findByUserId(userId);
	if (!participant) return undefined;
	const community = await repos.communities.findById(participant.communityId);
	if (!community) return undefined;
	const conversations = await repos.conversations.listForUser(userId);
	const views = [];
	for (const c of conversations) {
		if (!c.participantIds.includes(userId)) continue;
		views.push(
			await conversationView(repos, { conversation: c, userId, env, minutes: community.conversationMinutes })
		);
	}
	return v.parse(MyMatching, {
		oriented: participant.orientedAt !== null,
		communityTimeZone: community.timeZone,
		shortlistMode: community.matchingMode === 'shortlist',
		conversations: views
	});
}

async function conversationView(
	repos: Repos,
	{
		conversation: c,
		userId,
		env,
		minutes
	}: { conversation: ConversationRecord; userId: string; env: Env; minutes: number }
): Promise<MyConversation> {
	const me = c.participantIds.indexOf(userId);
	const partnerId = c.participantIds[1 - me]!;
	const [partnerUser, partnerParticipant] = await Promise.all([
		repos.users.findById(partnerId),
		repos.participants.findByUserId(partnerId)
	]);
	return v.parse(MyConversation, {
		id: c.id,
		status: c.status,
		partner: {
			firstName: partnerUser?.firstName ?? '',
			autobiography: partnerParticipant?.autobiography ?? ''
		},
		inCommon: c.inCommon ? c.inCommon.split(', ').filter(Boolean) : [],
		iAccepted: c.acceptedAt[me] !== null,
		partnerAccepted: c.acceptedAt[1 - me] !== null,
		proposedStart: c.proposedStart,
		proposedByMe: c.proposedBy === userId,
		scheduledStart: c.scheduledStart,
		minutes,
		roomUrl: roomUrl(env.publicUrl, c.id),
		noShowFrom: c.scheduledStart
			? new Date(Date.parse(c.scheduledStart) + NO_SHOW_AFTER_MINUTES * 60_000).toISOString()
			: null
	});
}
