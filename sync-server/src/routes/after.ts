import { Readable } from 'node:stream';
import { Hono } from 'hono';
import * as v from 'valibot';
import { AfterView, MyConversations } from '../../../src/lib/contracts/consent.ts';
import { sharingAllowed } from '../../../src/lib/core/consent.ts';
import { afterView, COPY_MESSAGES, participantConversation } from '../conversations/after.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { AppError, unwrap } from '../http/errors.ts';
import { requireRole, signedInUser } from '../http/session.ts';

/** After the conversation (issue #6): my conversations, consent and upload status, and the copy itself. */
export function afterRoutes({ store, media, log }: AppDeps) {
	return new Hono<AppEnv>()
		.get('/', requireRole(), async (c) => {
			const user = signedInUser(c);
			const mine = await store.conversations.listForUser(user.userId);
			const list = await Promise.all(
				mine
					.filter((conversation) => conversation.participantIds.includes(user.userId))
					.map(async (conversation) => {
						const partnerId = conversation.participantIds.find((id) => id !== user.userId) ?? '';
						const partner = await store.users.findById(partnerId);
						return {
							id: conversation.id,
							partnerFirstName: partner?.firstName ?? '',
							status: conversation.status,
							scheduledStart: conversation.scheduledStart
						};
					})
			);
			return c.json(v.parse(MyConversations, list));
		})
		.get('/:id/after', requireRole(), async (c) => {
			const user = signedInUser(c);
			const conversation = unwrap(await participantConversation(store, c.req.param('id'), user));
			return c.json(v.parse(AfterView, await afterView(store, conversation, user)));
		})
		.get('/:id/copy', requireRole(), async (c) => {
			const user = signedInUser(c);
			const conversation = unwrap(await participantConversation(store, c.req.param('id'), user));
			// Checked on every request, from the consent log itself: a withdrawal stops the link at once.
			const consents = await store.consents.listForConversation(conversation.id);
			if (!sharingAllowed(consents, conversation.participantIds, 'copy')) {
				throw new AppError('consent_missing', COPY_MESSAGES.noConsent);
			}
			const copy = await store.copies.find(conversation.id);
			if (copy?.status !== 'ready' || !copy.filePath || copy.bytes === null) {
				throw new AppError('not_ready', COPY_MESSAGES.notReady);
			}
			const file = await media.blobs.stream(copy.filePath);
			if (!file) {
				// The row says ready but the file is gone; the next start mixes it again (media/jobs.ts).
				log.error('a ready copy is missing from storage', {
					conversationId: conversation.id,
					key: copy.filePath
				});
				throw new AppError('internal', COPY_MESSAGES.missing);
			}
			return new Response(Readable.toWeb(file) as ReadableStream, {
				headers: {
					'Content-Type': 'audio/ogg',
					'Content-Length': String(copy.bytes),
					'Content-Disposition': `attachment; filename="conversation-${conversation.id.slice(0, 8)}.opus"`,
					'Cache-Control': 'private, no-store',
					ETag: `"${copy.sha256 ?? ''}"`
				}
			});
		});
}
