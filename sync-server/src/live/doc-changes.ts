import { QUESTIONS_DOC_PREFIX } from '../../../src/lib/contracts/questions.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { concerned, type LiveHub } from './hub.ts';

/** A burst of edits (someone typing a description) is one look again per this long. */
export const DOC_CHANGE_QUIET_MS = 2_000;

/**
 * A stored change of a conversation's shared document tells the pages that show what it decides
 * (issue #14): the archive package waits for the description the partners write there, and the
 * coordinator's console and both after pages show whether it can be made. Once per quiet spell per
 * document, at its end, so typing does not make every open console refetch on every keystroke.
 */
export function docChangesToLive({
	store,
	live,
	log,
	quietMs = DOC_CHANGE_QUIET_MS
}: {
	store: Store;
	live: LiveHub;
	log: Logger;
	quietMs?: number;
}): (docName: string) => void {
	const waiting = new Map<string, ReturnType<typeof setTimeout>>();
	return (docName) => {
		if (!docName.startsWith(QUESTIONS_DOC_PREFIX) || waiting.has(docName)) return;
		const timer = setTimeout(() => {
			waiting.delete(docName);
			const conversationId = docName.slice(QUESTIONS_DOC_PREFIX.length);
			store.conversations
				.findById(conversationId)
				.then((conversation) => {
					if (conversation && conversation.status === 'recorded')
						live.publish(concerned(conversation.participantIds), { topic: 'conversation', conversationId });
				})
				.catch((error: unknown) => log.error('could not announce a document change', { docName, error }));
		}, quietMs);
		timer.unref();
		waiting.set(docName, timer);
	};
}
