import * as Y from 'yjs';
import { questionsDocName } from '../contracts/questions';
import type { CommonGroundDb } from '../db/db';
import { persistOnDevice } from './local-doc';
import { QuestionDocProvider, type ProviderState } from './yjs-provider';

/**
 * A conversation's question list opened outside the questions page (the call's room, issue #5): the
 * copy on this device first, so it works offline, then synced over /yjs while the page is online.
 */
export async function openSharedQuestionDoc({
	db,
	conversationId,
	onChange,
	onError
}: {
	db: CommonGroundDb;
	conversationId: string;
	onChange?: (state: ProviderState) => void;
	/** The device could not store a change (see local-doc.ts). */
	onError?: (error: unknown) => void;
}): Promise<{ doc: Y.Doc; close: () => void }> {
	const doc = new Y.Doc();
	const docName = questionsDocName(conversationId);
	const stopPersisting = await persistOnDevice({ db, docName, doc, onError });
	const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
	const provider = new QuestionDocProvider({
		url: `${scheme}//${location.host}/yjs/${encodeURIComponent(docName)}`,
		doc,
		onChange
	});
	const online = () => provider.connect();
	const offline = () => provider.disconnect();
	window.addEventListener('online', online);
	window.addEventListener('offline', offline);
	if (navigator.onLine) provider.connect();
	return {
		doc,
		close() {
			window.removeEventListener('online', online);
			window.removeEventListener('offline', offline);
			provider.destroy();
			stopPersisting();
			doc.destroy();
		}
	};
}
