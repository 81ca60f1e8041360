import { randomUUID } from 'node:crypto';
import type { ConsentPayload, ReflectionPayload } from '../../../src/lib/contracts/consent.ts';
import { CONSENT_TEXT_VERSIONS } from '../../../src/lib/core/consent.ts';
import { conversationAccess } from '../conversations/access.ts';
import { MESSAGES } from '../http/errors.ts';
import { accept, reject, type Outcome } from '../outcome.ts';
import type { Repos, SessionUser } from '../store/types.ts';

export type ConsentApplied = { kind: 'consent'; conversationId: string; recordedAt: string };
export type ReflectionApplied = { kind: 'reflection'; conversationId: string; recordedAt: string };

const NOT_YOURS =
	'Only the two people in this conversation can answer for it. Sign in with your own account and try again.';

async function mustBeParticipant(
	repos: Repos,
	conversationId: string,
	user: SessionUser
): Promise<Outcome<true>> {
	const conversation = await repos.conversations.findById(conversationId);
	if (!conversation) return reject({ code: 'not_found', message: MESSAGES.notFound });
	if (conversationAccess(conversation, user) !== 'participant')
		return reject({ code: 'forbidden', message: NOT_YOURS });
	return accept(true);
}

/** The 'consent' mutation: appends one answer to the conversation's consent log. */
export async function applyConsent(
	repos: Repos,
	{ user, payload, now }: { user: SessionUser; payload: ConsentPayload; now: Date }
): Promise<Outcome<ConsentApplied>> {
	const allowed = await mustBeParticipant(repos, payload.conversationId, user);
	if (!allowed.ok) return allowed;
	if (payload.textVersion !== CONSENT_TEXT_VERSIONS[payload.kind]) {
		return reject({
			code: 'consent_text_changed',
			message: 'The consent text has changed since you answered. Please read the new text and answer again.'
		});
	}
	const stored = await repos.consents.record({
		id: randomUUID(),
		conversationId: payload.conversationId,
		userId: user.userId,
		kind: payload.kind,
		answer: payload.answer,
		textVersion: payload.textVersion,
		language: payload.language,
		decidedAt: payload.decidedAt,
		archiveFields: payload.answer === 'yes' ? (payload.archiveFields ?? null) : null,
		now
	});
	return accept({ kind: 'consent', conversationId: payload.conversationId, recordedAt: stored.recordedAt });
}

/** The 'reflection' mutation: the optional survey after consenting; a second answer replaces the first. */
export async function applyReflection(
	repos: Repos,
	{ user, payload, now }: { user: SessionUser; payload: ReflectionPayload; now: Date }
): Promise<Outcome<ReflectionApplied>> {
	const allowed = await mustBeParticipant(repos, payload.conversationId, user);
	if (!allowed.ok) return allowed;
	await repos.reflections.save({
		conversationId: payload.conversationId,
		userId: user.userId,
		thermometer: payload.thermometer,
		again: payload.again,
		now
	});
	return accept({
		kind: 'reflection',
		conversationId: payload.conversationId,
		recordedAt: now.toISOString()
	});
}
