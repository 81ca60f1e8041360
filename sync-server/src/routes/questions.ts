import { Hono } from 'hono';
import * as v from 'valibot';
import {
	QuestionListSummary,
	questionsDocName,
	type QuestionListSummary as Summary
} from '../../../src/lib/contracts/questions.ts';
import { conversationAccess } from '../conversations/access.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { AppError, MESSAGES } from '../http/errors.ts';
import { requireRole, signedInUser } from '../http/session.ts';

/**
 * GET /api/questions/:conversationId: what the question-list page needs before it opens the shared
 * document. The same access rule as the socket: partners and facilitator, coordinators read-only.
 */
export function questionRoutes({ store }: AppDeps) {
	return new Hono<AppEnv>().get('/:conversationId', requireRole(), async (c) => {
		const user = signedInUser(c);
		const conversation = await store.conversations.findById(c.req.param('conversationId'));
		const access = conversation ? conversationAccess(conversation, user) : 'none';
		// "Not found" for strangers too: whether a conversation exists is not theirs to learn.
		if (!conversation || access === 'none') throw new AppError('not_found', MESSAGES.notFound);

		const person = async (userId: string) => {
			const found = await store.users.findById(userId);
			return { userId, firstName: found?.firstName ?? '' };
		};
		const summary: Summary = {
			conversationId: conversation.id,
			docName: questionsDocName(conversation.id),
			role: access,
			me: { userId: user.userId, firstName: user.firstName },
			participants: await Promise.all(conversation.participantIds.map(person)),
			facilitator: conversation.facilitatorId ? await person(conversation.facilitatorId) : null
		};
		return c.json(v.parse(QuestionListSummary, summary));
	});
}
