import * as v from 'valibot';
import * as Y from 'yjs';
import { hasDescription, readDescription } from '../../../src/lib/contracts/archive-description-doc.ts';
import { ArchiveFieldsSchema, type ArchiveFields } from '../../../src/lib/contracts/consent.ts';
import { questionsDocName } from '../../../src/lib/contracts/questions.ts';
import { mergedArchiveFields, type ConsentRecord } from '../../../src/lib/core/consent.ts';
import { timeCodedIndex, type IndexPoint } from '../../../src/lib/sync/question-doc.ts';
import type { Store } from '../store/types.ts';

/**
 * What the archive package reads from the conversation's shared document, as the server stored it
 * (its update log): the time-coded index both devices wrote during the call (issue #5), and the
 * description both partners wrote after it (issue #14).
 */
export type ArchiveDocFacts = { index: IndexPoint[]; description: ArchiveFields | undefined };

export async function loadArchiveDocFacts(
	store: Store,
	conversation: { id: string; participantIds: readonly [string, string] },
	consents: readonly ConsentRecord[]
): Promise<ArchiveDocFacts> {
	const stored = await store.yjsDocs.load(questionsDocName(conversation.id));
	const doc = new Y.Doc();
	try {
		if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
		for (const row of stored.updates) Y.applyUpdate(doc, row.update);
		return { index: timeCodedIndex(doc), description: archiveDescription(doc, conversation, consents) };
	} finally {
		doc.destroy();
	}
}

/**
 * The shared description, checked by the archive's own schema: a draft that is partial, too long or
 * holds control characters is not a description yet. Answers given before the description was
 * shared carried their own fields; those count only while the shared one is empty.
 */
function archiveDescription(
	doc: Y.Doc,
	conversation: { participantIds: readonly [string, string] },
	consents: readonly ConsentRecord[]
): ArchiveFields | undefined {
	const draft = readDescription(doc);
	if (!hasDescription(draft)) return mergedArchiveFields(consents, conversation.participantIds);
	const parsed = v.safeParse(ArchiveFieldsSchema, draft);
	return parsed.success ? parsed.output : undefined;
}
