import { Hono } from 'hono';
import { sharingState } from '../../../src/lib/core/consent.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { AppError, MESSAGES } from '../http/errors.ts';
import { requireRole } from '../http/session.ts';
import { buildArchivePackage } from '../media/archive-package.ts';
import { loadArchiveDocFacts } from '../media/question-doc.ts';

const WITHHELD =
	'The archive package is withheld: both people must agree to the archive, and one of them has not, or has taken it back.';

/** GET /api/conversations/:id/archive-package: the zipped BagIt bag, for coordinators, only with both consents. */
export function archiveRoutes({ store, clock, media }: AppDeps) {
	return new Hono<AppEnv>().get('/:id/archive-package', requireRole('coordinator'), async (c) => {
		const conversation = await store.conversations.findById(c.req.param('id'));
		if (!conversation) throw new AppError('not_found', MESSAGES.notFound);
		const consents = await store.consents.listForConversation(conversation.id);
		if (sharingState(consents, conversation.participantIds, 'archive').status !== 'allowed') {
			throw new AppError('consent_missing', WITHHELD);
		}
		const tracks = await store.trackFiles.listForConversation(conversation.id);
		const { index, description } = await loadArchiveDocFacts(store, conversation, consents);
		if (!description) {
			throw new AppError(
				'not_ready',
				'Both people agreed to the archive, but the description they write together (title, summary, keywords and place) is not complete yet. Either of them can finish it on the conversation’s page.'
			);
		}
		const voices = new Set(tracks.filter((t) => t.kind === 'share').map((t) => t.userId));
		if (conversation.participantIds.some((id) => !voices.has(id))) {
			throw new AppError(
				'not_ready',
				'The recordings have not all reached the server yet. Try again once they have.'
			);
		}
		const users = await Promise.all(conversation.participantIds.map((id) => store.users.findById(id)));
		const people = users.map((u, i) => ({
			userId: conversation.participantIds[i] ?? '',
			firstName: u?.firstName ?? ''
		}));
		const zip = await buildArchivePackage({
			conversation,
			people,
			tracks,
			copy: await store.copies.find(conversation.id),
			consents,
			blobs: media.blobs,
			transcoder: media.transcoder,
			now: clock(),
			index,
			description
		});
		return new Response(zip as Uint8Array<ArrayBuffer>, {
			headers: {
				'Content-Type': 'application/zip',
				'Content-Disposition': `attachment; filename="conversation-${conversation.id.slice(0, 8)}-bag.zip"`,
				'Cache-Control': 'no-store'
			}
		});
	});
}
