import type { ArchivePackageInfo } from '../../../src/lib/contracts/consent.ts';
import { archiveReadiness, packageContents } from '../../../src/lib/core/archive-contents.ts';
import type { ConversationRecord, Store } from '../store/types.ts';

/** What a recorded conversation's archive package holds, and whether it can be downloaded now. */
export async function archivePackageInfo(
	store: Store,
	conversation: ConversationRecord
): Promise<ArchivePackageInfo> {
	const [consents, tracks, copy, users] = await Promise.all([
		store.consents.listForConversation(conversation.id),
		store.trackFiles.listForConversation(conversation.id),
		store.copies.find(conversation.id),
		Promise.all(conversation.participantIds.map((id) => store.users.findById(id)))
	]);
	const voicesOnServer = new Set(tracks.filter((t) => t.kind === 'share').map((t) => t.userId)).size;
	const readiness = archiveReadiness({
		consents,
		participantIds: conversation.participantIds,
		voicesOnServer
	});
	return {
		readiness,
		files: packageContents({
			firstNames: users.map((u) => u?.firstName ?? ''),
			withMix: copy?.status === 'ready'
		}),
		downloadUrl: readiness === 'ready' ? `/api/conversations/${conversation.id}/archive-package` : null
	};
}
