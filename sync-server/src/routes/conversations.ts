import { Hono } from 'hono';
import { conversationChanged } from '../live/progress.ts';
import * as v from 'valibot';
import { DeclineBody, PickTimeBody, RecordingStopped, Slots } from '../../../src/lib/contracts/matching.ts';
import type { ConversationAction } from '../../../src/lib/core/conversation-state.ts';
import { conversationInvite, roomUrl } from '../conversations/invite.ts';
import { actOnConversation, loadForParticipant, NOT_YOURS, slotsFor } from '../conversations/lifecycle.ts';
import { myMatching } from '../conversations/my-view.ts';
import type { AppDeps } from '../deps.ts';
import type { AppContext, AppEnv } from '../http/context.ts';
import { AppError, unwrap } from '../http/errors.ts';
import { requireRole, signedInUser } from '../http/session.ts';
import { parseOrThrow, readJson } from '../http/validate.ts';

/** A participant's own matches: the partner's profile, accept/decline, and agreeing on a time. */
export function conversationRoutes(deps: AppDeps) {
	const { store, clock, env } = deps;

	const act = async (c: AppContext, action: ConversationAction) => {
		const user = signedInUser(c);
		const changed = unwrap(
			await store.transaction((repos) =>
				actOnConversation(repos, {
					conversationId: c.req.param('id')!,
					actorId: user.userId,
					action,
					env,
					now: clock()
				})
			)
		);
		void deps.mailer.flush();
		await conversationChanged(deps, changed);
		const view = await myMatching(store, { userId: user.userId, env });
		return c.json(view);
	};

	const ownConversation = async (c: AppContext) => {
		const ctx = await loadForParticipant(store, {
			conversationId: c.req.param('id')!,
			userId: signedInUser(c).userId
		});
		if (!ctx) throw new AppError('not_found', NOT_YOURS);
		return ctx;
	};

	// Per route, not .use(): other features mount their own routes under /api/conversations too
	// (the question list, the call), where facilitators are allowed.
	const participant = requireRole('participant');
	return (
		new Hono<AppEnv>()
			.get('/mine', participant, async (c) => {
				const view = await myMatching(store, { userId: signedInUser(c).userId, env });
				if (!view)
					throw new AppError(
						'not_found',
						'We could not find your sign-up. Sign in with the account you signed up with.'
					);
				return c.json(view);
			})
			.get('/:id/slots', participant, async (c) => {
				const ctx = await ownConversation(c);
				return c.json(v.parse(Slots, { timeZone: ctx.timeZone, slots: await slotsFor(store, ctx, clock()) }));
			})
			.get('/:id/invite.ics', participant, async (c) => {
				const ctx = await ownConversation(c);
				if (!ctx.conversation.scheduledStart)
					throw new AppError(
						'wrong_state',
						'There is no agreed time yet, so there is no invite to download.'
					);
				const ics = conversationInvite({
					conversationId: ctx.conversation.id,
					start: new Date(ctx.conversation.scheduledStart),
					minutes: ctx.minutes,
					partnerFirstName: ctx.partner.firstName,
					room: roomUrl(env.publicUrl, ctx.conversation.id),
					publicUrl: env.publicUrl,
					sequence: 0,
					language: ctx.me.language
				});
				return c.body(ics.content, 200, {
					'Content-Type': ics.contentType,
					'Content-Disposition': `attachment; filename="${ics.filename}"`
				});
			})
			.post('/:id/accept', participant, (c) => act(c, { type: 'accept' }))
			.post('/:id/decline', participant, async (c) => {
				const body = parseOrThrow(DeclineBody, await readJson(c));
				return act(c, { type: 'decline', reason: body.reason });
			})
			.post('/:id/time', participant, async (c) => {
				const body = parseOrThrow(PickTimeBody, await readJson(c));
				return act(c, { type: 'pick_time', start: body.start });
			})
			.post('/:id/reschedule', participant, (c) => act(c, { type: 'reschedule' }))
			.post('/:id/cancel', participant, (c) => act(c, { type: 'cancel' }))
			.post('/:id/no-show', participant, (c) => act(c, { type: 'report_no_show' }))
			// Stop in the room, with how long the recording is: recorded now, before the uploads finish.
			.post('/:id/recorded', participant, async (c) => {
				parseOrThrow(RecordingStopped, await readJson(c));
				const ctx = await ownConversation(c);
				if (ctx.conversation.status === 'recorded')
					return c.json(await myMatching(store, { userId: ctx.me.id, env }));
				return act(c, { type: 'record' });
			})
	);
}
