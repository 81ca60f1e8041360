import { Hono } from 'hono';
import { conversationChanged, progressChanged } from '../live/progress.ts';
import * as v from 'valibot';
import { ChooseBody, OrientationBody, Shortlist } from '../../../src/lib/contracts/matching.ts';
import { actOnConversation } from '../conversations/lifecycle.ts';
import { myMatching } from '../conversations/my-view.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { AppError, unwrap } from '../http/errors.ts';
import { requireRole, signedInUser } from '../http/session.ts';
import { parseOrThrow, readJson } from '../http/validate.ts';
import { loadPool } from '../matching/pool.ts';
import { approvePairs } from '../matching/runs.ts';
import { shortlist } from '../matching/shortlist.ts';
import type { Repos } from '../store/types.ts';

const NO_SIGNUP = 'We could not find your sign-up. Sign in with the account you signed up with.';

/** Orientation, and shortlist mode's "choose your partner" (issue #3). */
export function participationRoutes(deps: AppDeps) {
	const { store, clock, env } = deps;

	const myShortlist = async (repos: Repos, userId: string) => {
		const participant = await repos.participants.findByUserId(userId);
		const community = participant && (await repos.communities.findById(participant.communityId));
		if (!participant || !community) throw new AppError('not_found', NO_SIGNUP);
		if (community.matchingMode !== 'shortlist')
			throw new AppError(
				'wrong_state',
				'In your community the coordinator makes the matches. We will email you.'
			);
		const pool = await loadPool(repos, community.id);
		const me = pool.find((p) => p.id === userId)!;
		if (!me.oriented || me.hasActiveMatch) return { community, options: [] };
		const now = clock();
		return {
			community,
			options: shortlist(me, pool, { conversationMinutes: community.conversationMinutes, now })
		};
	};

	return new Hono<AppEnv>()
		.use(requireRole('participant'))
		.post('/orientation', async (c) => {
			parseOrThrow(OrientationBody, await readJson(c));
			const { userId } = signedInUser(c);
			await store.transaction(async (repos) => {
				if (!(await repos.participants.findByUserId(userId))) throw new AppError('not_found', NO_SIGNUP);
				await repos.participants.markOriented(userId, clock());
			});
			await progressChanged(deps, [userId]);
			return c.json(await myMatching(store, { userId, env }));
		})
		.get('/shortlist', async (c) => {
			const { options } = await myShortlist(store, signedInUser(c).userId);
			const candidates = [];
			for (const option of options) {
				const [user, participant] = await Promise.all([
					store.users.findById(option.id),
					store.participants.findByUserId(option.id)
				]);
				candidates.push({
					personId: option.id,
					partner: { firstName: user?.firstName ?? '', autobiography: participant?.autobiography ?? '' },
					inCommon: option.reason.sharedInterests
				});
			}
			return c.json(v.parse(Shortlist, { candidates }));
		})
		.post('/shortlist/choose', async (c) => {
			const { personId } = parseOrThrow(ChooseBody, await readJson(c));
			const { userId } = signedInUser(c);
			const chosen = unwrap(
				await store.transaction(async (repos) => {
					const { community, options } = await myShortlist(repos, userId);
					if (!options.some((o) => o.id === personId))
						throw new AppError(
							'wrong_state',
							'This person is no longer available. Reload to see your current shortlist.'
						);
					const now = clock();
					const made = unwrap(
						await approvePairs(repos, { community, pairs: [{ a: userId, b: personId }], env, now })
					);
					// Choosing is accepting; the person chosen still decides for themselves.
					return actOnConversation(repos, {
						conversationId: made[0]!.id,
						actorId: userId,
						action: { type: 'accept' },
						env,
						now
					});
				})
			);
			void deps.mailer.flush();
			await conversationChanged(deps, chosen);
			return c.json(await myMatching(store, { userId, env }));
		});
}
