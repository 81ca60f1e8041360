import * as Y from 'yjs';
import { questionsDocName } from '../../../src/lib/contracts/questions.ts';
import { timeCodedIndex, type IndexPoint } from '../../../src/lib/sync/question-doc.ts';
import type { Store } from '../store/types.ts';

/**
 * The conversation's time-coded index as the server stored it: the check-offs and marks both devices
 * wrote into the shared question document during the call (issue #5), read from its update log.
 */
export async function loadTimeCodedIndex(store: Store, conversationId: string): Promise<IndexPoint[]> {
	const stored = await store.yjsDocs.load(questionsDocName(conversationId));
	const doc = new Y.Doc();
	if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
	for (const row of stored.updates) Y.applyUpdate(doc, row.update);
	const index = timeCodedIndex(doc);
	doc.destroy();
	return index;
}
