import type { ArchivePackageInfo } from '../../../src/lib/contracts/consent.ts';
import { archiveReadiness, packageContents } from '../../../src/lib/core/archive-contents.ts';
import { sharingState } from '../../../src/lib/core/consent.ts';
import type { ConversationRecord, CopyRecord, StoredConsent, Store, TrackFile } from '../store/types.ts';
import { loadArchiveDocFacts } from './question-doc.ts';

/** The rows a caller usually has at hand already (the after view, the calendar). */
export type ArchiveRows = {
	consents: StoredConsent[];
	tracks: TrackFile[];
	copy: CopyRecord | undefined;
	firstNames: string[];
};

/** What a recorded conversation's archive package holds, and whether it can be downloaded now. */
export async function archivePackageInfo(
	store: Store,
	conversation: ConversationRecord,
	{ consents, tracks, copy, firstNames }: ArchiveRows
): Promise<ArchivePackageInfo> {
	const participantIds = conversation.participantIds;
	// The shared document is read only when the description is what decides.
	const allowed = sharingState(consents, participantIds, 'archive').status === 'allowed';
	const described = allowed && !!(await loadArchiveDocFacts(store, conversation, consents)).description;
	const voicesOnServer = new Set(tracks.filter((t) => t.kind === 'share').map((t) => t.userId)).size;
	const readiness = archiveReadiness({ consents, participantIds, described, voicesOnServer });
	return {
		readiness,
		files: packageContents({ firstNames, withMix: copy?.status === 'ready' }),
		downloadUrl: readiness === 'ready' ? `/api/conversations/${conversation.id}/archive-package` : null
	};
}

/** The same, loading the rows first. */
export async function loadArchivePackageInfo(
	store: Store,
	conversation: ConversationRecord
): Promise<ArchivePackageInfo> {
	const [consents, tracks, copy, users] = await Promise.all([
		store.consents.listForConversation(conversation.id),
		store.trackFiles.listForConversation(conversation.id),
		store.copies.find(conversation.id),
		Promise.all(conversation.participantIds.map((id) => store.users.findById(id)))
	]);
	return archivePackageInfo(store, conversation, {
		consents,
		tracks,
		copy,
		firstNames: users.map((u) => u?.firstName ?? '')
	});
}
