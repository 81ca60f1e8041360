import {
	sharingState,
	latestAnswers,
	type ConsentKind,
	type ConsentRecord
} from '../../../src/lib/core/consent.ts';
import { archivePackageInfo } from '../media/archive-info.ts';
import type { AfterView, SharingView } from '../../../src/lib/contracts/consent.ts';
import { MESSAGES } from '../http/errors.ts';
import { accept, reject, type Outcome } from '../outcome.ts';
import type { ConversationRecord, SessionUser, Store } from '../store/types.ts';
import { conversationAccess } from './access.ts';

export const COPY_MESSAGES = {
	notYours: 'Only the two people in this conversation can open its recording.',
	noConsent:
		'This recording is not available: both of you must agree to a copy, and one of you has not agreed or has changed their mind.',
	notReady:
		'The copy is not ready yet. It is made once both recordings have reached the server. Please check again later.',
	missing:
		'The copy could not be read from the server’s storage just now. Please try again in a few minutes; if it keeps failing, tell your program’s coordinator.'
} as const;

/** The conversation, if `user` is one of its two participants (the only people audio is ever for). */
export async function participantConversation(
	store: Store,
	conversationId: string,
	user: SessionUser
): Promise<Outcome<ConversationRecord>> {
	const conversation = await store.conversations.findById(conversationId);
	if (!conversation) return reject({ code: 'not_found', message: MESSAGES.notFound });
	if (conversationAccess(conversation, user) !== 'participant')
		return reject({ code: 'forbidden', message: COPY_MESSAGES.notYours });
	return accept(conversation);
}

function sharingView(
	records: ConsentRecord[],
	conversation: ConversationRecord,
	me: string,
	kind: ConsentKind
): SharingView {
	const latest = latestAnswers(records, kind);
	const partner = conversation.participantIds.find((id) => id !== me) ?? '';
	return {
		mine: latest.get(me)?.answer ?? null,
		partner: latest.get(partner)?.answer ?? null,
		state: sharingState(records, conversation.participantIds, kind).status
	};
}

export async function afterView(
	store: Store,
	conversation: ConversationRecord,
	user: SessionUser
): Promise<AfterView> {
	const [consents, tracks, copy, reflection] = await Promise.all([
		store.consents.listForConversation(conversation.id),
		store.trackFiles.listForConversation(conversation.id),
		store.copies.find(conversation.id),
		store.reflections.find(conversation.id, user.userId)
	]);
	const partnerId = conversation.participantIds.find((id) => id !== user.userId) ?? '';
	const people = await Promise.all(conversation.participantIds.map((id) => store.users.findById(id)));
	const partner = people[conversation.participantIds.indexOf(partnerId)];
	const copyView = sharingView(consents, conversation, user.userId, 'copy');
	const ready = copy?.status === 'ready';
	return {
		conversationId: conversation.id,
		partnerFirstName: partner?.firstName ?? '',
		copy: copyView,
		archive: sharingView(consents, conversation, user.userId, 'archive'),
		myTracks: tracks
			.filter((t) => t.userId === user.userId)
			.map((t) => ({
				trackId: t.trackId,
				kind: t.kind,
				sha256: t.sha256,
				bytes: t.bytes,
				durationMs: t.durationMs,
				codec: t.codec,
				confirmedAt: t.confirmedAt
			})),
		copyStatus: copy?.status ?? 'none',
		copyUrl: ready && copyView.state === 'allowed' ? `/api/conversations/${conversation.id}/copy` : null,
		reflected: !!reflection,
		archivePackage: {
			...(await archivePackageInfo(store, conversation, {
				consents,
				tracks,
				copy,
				firstNames: people.map((p) => p?.firstName ?? '')
			})),
			downloadUrl: null
		}
	};
}
