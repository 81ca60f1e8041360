import { DATE_LOCALE, mailLanguage } from '../mail/catalog.ts';
import {
	transition,
	type ConversationAction,
	type Effect,
	type Refusal
} from '../../../src/lib/core/conversation-state.ts';
import type { Env } from '../env.ts';
import { invitationEmail, partnerUpdateEmail, reminderEmail } from '../mail/matching-templates.ts';
import { matchAnswers } from '../matching/pool.ts';
import { accept, reject, type Outcome } from '../outcome.ts';
import type { ConversationRecord, Repos, UserRecord } from '../store/types.ts';
import { conversationInvite, roomUrl } from './invite.ts';
import { offeredSlots } from './slots.ts';

const REFUSALS: Record<Refusal, { code: 'wrong_state' | 'too_early'; message: string }> = {
	not_now: {
		code: 'wrong_state',
		message: 'This conversation has moved on since you opened the page. Reload it to see where things stand.'
	},
	too_early: {
		code: 'too_early',
		message:
			'You can report that your partner did not come 10 minutes after the start. Please wait a little longer.'
	},
	in_the_past: { code: 'wrong_state', message: 'That time has already passed. Pick one of the times shown.' }
};

const ALREADY_RECORDED = {
	code: 'wrong_state',
	message:
		'This conversation has been recorded, so it can no longer be cancelled, rescheduled or reported as a no-show. Open it to answer the consent questions and get your copy.'
} as const;

/**
 * The recording has been made (issue #14): both share tracks are confirmed, or a participant pressed
 * Stop with a length to report. Marks the conversation recorded once; later calls change nothing.
 */
export async function recordingMade(
	repos: Repos,
	{ conversationId, env, now }: { conversationId: string; env: Env; now: Date }
): Promise<boolean> {
	const conversation = await repos.conversations.findById(conversationId);
	if (!conversation) return false;
	const made = await actOnConversation(repos, {
		conversationId,
		actorId: conversation.participantIds[0],
		action: { type: 'record' },
		env,
		now
	});
	return made.ok;
}

export const NOT_YOURS =
	'We could not find this conversation among yours. Open it from your conversation page.';

export interface ConversationContext {
	conversation: ConversationRecord;
	me: UserRecord;
	partner: UserRecord;
	timeZone: string;
	minutes: number;
}

/** Loads a conversation for one of its two participants; anyone else gets "not found" (no leak). */
export async function loadForParticipant(
	repos: Repos,
	{ conversationId, userId }: { conversationId: string; userId: string }
): Promise<ConversationContext | undefined> {
	const conversation = await repos.conversations.findById(conversationId);
	if (!conversation || !conversation.participantIds.includes(userId)) return undefined;
	const partnerId = conversation.participantIds.find((id) => id !== userId)!;
	const [me, partner, community] = await Promise.all([
		repos.users.findById(userId),
		repos.users.findById(partnerId),
		repos.communities.findById(conversation.communityId)
	]);
	if (!me || !partner || !community) return undefined;
	return { conversation, me, partner, timeZone: community.timeZone, minutes: community.conversationMinutes };
}

export async function slotsFor(repos: Repos, ctx: ConversationContext, now: Date): Promise<string[]> {
	const [a, b] = await Promise.all(
		ctx.conversation.participantIds.map((id) => repos.participants.findByUserId(id))
	);
	if (!a || !b) return [];
	return offeredSlots({
		a: matchAnswers(a.answersJson).availability,
		b: matchAnswers(b.answersJson).availability,
		timeZone: ctx.timeZone,
		minutes: ctx.minutes,
		now
	});
}

/** One participant acts on their conversation: the state machine decides, this applies it. */
export async function actOnConversation(
	repos: Repos,
	{
		conversationId,
		actorId,
		action,
		env,
		now
	}: { conversationId: string; actorId: string; action: ConversationAction; env: Env; now: Date }
): Promise<Outcome<ConversationRecord>> {
	const ctx = await loadForParticipant(repos, { conversationId, userId: actorId });
	if (!ctx) return reject({ code: 'not_found', message: NOT_YOURS });
	if (action.type === 'pick_time') {
		const slots = await slotsFor(repos, ctx, now);
		const wanted = new Date(action.start).toISOString();
		if (!slots.includes(wanted))
			return reject({
				code: 'validation_failed',
				message: 'That time is not one you are both free. Pick one of the times shown.',
				fields: { start: 'Pick one of the times shown.' }
			});
		action = { type: 'pick_time', start: wanted };
	}
	const step = transition(ctx.conversation, { actorId, action, now });
	if (!step.ok && ctx.conversation.status === 'recorded') return reject(ALREADY_RECORDED);
	if (!step.ok) return reject(REFUSALS[step.refusal]);
	await repos.conversations.update(conversationId, { ...step.patch, now });
	for (const effect of step.effects) await apply(repos, { ctx, effect, env, now });
	const updated = await repos.conversations.findById(conversationId);
	return accept(updated!);
}

async function apply(
	repos: Repos,
	{ ctx, effect, env, now }: { ctx: ConversationContext; effect: Effect; env: Env; now: Date }
): Promise<void> {
	const id = ctx.conversation.id;
	switch (effect.type) {
		case 'release':
			return repos.matching.release(id);
		case 'requeue':
			return repos.participants.requeue(effect.userId, { now, priority: effect.priority });
		case 'withdraw_reminders':
			await repos.mail.cancel(reminderKey(id));
			return;
		case 'notify_partner':
			if (!ctx.partner.email) return;
			await repos.mail.enqueue(
				partnerUpdateEmail({
					to: ctx.partner.email,
					firstName: ctx.partner.firstName,
					partnerFirstName: ctx.me.firstName,
					about: effect.about,
					language: ctx.partner.language,
					env
				}),
				now
			);
			return;
		case 'send_invites':
			return sendInvites(repos, { ctx, start: new Date(effect.start), env, now });
	}
}

export const reminderKey = (conversationId: string) => `conversation:${conversationId}:reminders`;

/** Both participants get the .ics invite now, and reminders 24 h and 1 h before (issue #3). */
async function sendInvites(
	repos: Repos,
	{ ctx, start, env, now }: { ctx: ConversationContext; start: Date; env: Env; now: Date }
): Promise<void> {
	const room = roomUrl(env.publicUrl, ctx.conversation.id);
	const sequence = Math.max(0, Math.floor((now.getTime() - Date.parse(ctx.conversation.createdAt)) / 1000));
	for (const [person, partner] of [
		[ctx.me, ctx.partner],
		[ctx.partner, ctx.me]
	] as const) {
		if (!person.email) continue;
		const when = describeWhen(start, ctx.timeZone, person.language);
		const ics = conversationInvite({
			conversationId: ctx.conversation.id,
			start,
			minutes: ctx.minutes,
			partnerFirstName: partner.firstName,
			room,
			publicUrl: env.publicUrl,
			sequence,
			language: person.language
		});
		const base = {
			to: person.email,
			firstName: person.firstName,
			partnerFirstName: partner.firstName,
			when,
			roomUrl: room,
			language: person.language
		};
		await repos.mail.enqueue(invitationEmail({ ...base, ics }), now);
		for (const [lead, hours] of [
			['24h', 24],
			['1h', 1]
		] as const) {
			const sendAfter = new Date(start.getTime() - hours * 3_600_000);
			if (sendAfter <= now) continue;
			await repos.mail.enqueue(
				reminderEmail({
					...base,
					lead,
					sendAfter: sendAfter.toISOString(),
					cancelKey: reminderKey(ctx.conversation.id)
				}),
				now
			);
		}
	}
}

export function describeWhen(start: Date, timeZone: string, language = 'en'): string {
	const text = new Intl.DateTimeFormat(DATE_LOCALE[mailLanguage(language)], {
		timeZone,
		weekday: 'long',
		month: 'long',
		day: 'numeric',
		hour: 'numeric',
		minute: '2-digit',
		timeZoneName: 'short'
	}).format(start);
	return text;
}
