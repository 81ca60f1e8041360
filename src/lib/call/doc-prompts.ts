import type * as Y from 'yjs';
import { addMark, agreedQuestions, askedChecks, markAsked, observeList } from '../sync/question-doc';
import { arrayPromptSource, type Prompt, type PromptCheck, type PromptSource } from './prompts';

/**
 * Prompts from the conversation's shared question list (issue #5, "Prompts"; issue #4's Y.Doc): the
 * questions both partners agreed on, in their order. A check-off is written to the document with its
 * server-synced time, so it reaches the other devices through /yjs (and survives offline in the local
 * copy). Only while nothing is agreed does it show `fallback`, whose check-offs stay in memory.
 */
export function docPromptSource({
	doc,
	participantIds,
	fallback
}: {
	doc: Y.Doc;
	participantIds: readonly string[];
	fallback: readonly Prompt[];
}): PromptSource {
	const defaults = arrayPromptSource(fallback);
	const agreed = (): Prompt[] => agreedQuestions(doc, participantIds).map(({ id, text }) => ({ id, text }));
	const fromDocument = () => agreed().length > 0;
	return {
		list: () => (fromDocument() ? agreed() : defaults.list()),
		checks(): Record<string, PromptCheck> {
			if (!fromDocument()) return defaults.checks();
			const ids = new Set(agreed().map((p) => p.id));
			return Object.fromEntries(Object.entries(askedChecks(doc)).filter(([id]) => ids.has(id)));
		},
		setAsked(id, check) {
			if (fromDocument()) markAsked(doc, id, check.asked, check.atServerMs);
			else defaults.setAsked(id, check);
		},
		subscribe(listener) {
			const stopDoc = observeList(doc, listener);
			const stopDefaults = defaults.subscribe(listener);
			return () => {
				stopDoc();
				stopDefaults();
			};
		},
		fromDocument,
		mark: (id, atServerMs) => addMark(doc, id, atServerMs)
	};
}
