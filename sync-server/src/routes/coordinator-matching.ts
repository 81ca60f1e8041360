import { Hono } from 'hono';
import { concerned } from '../live/hub.ts';
import { progressChanged } from '../live/progress.ts';
import * as v from 'valibot';
import {
	CalendarEntry,
	DirectoryEntry,
	FacilitatorBody,
	FunnelReport,
	ManualPairBody,
	NotesBody,
	PairsBody,
	RunPreview
} from '../../../src/lib/contracts/matching.ts';
import type { AppDeps } from '../deps.ts';
import type { AppContext, AppEnv } from '../http/context.ts';
import { AppError, unwrap } from '../http/errors.ts';
import { requireRole, signedInUser } from '../http/session.ts';
import { parseOrThrow, readJson } from '../http/validate.ts';
import type { CommunityMatching } from '../matching/engine.ts';
import { approvePairs, previewRun } from '../matching/runs.ts';
import { loadArchivePackageInfo } from '../media/archive-info.ts';
import { funnelOf, progressOf } from '../reports/progress.ts';
import type { ConversationRecord, Repos } from '../store/types.ts';

const fullName = (u: { firstName: string; lastName: string } | undefined) =>
	u ? `${u.firstName} ${u.lastName}`.trim() : '(unknown)';

/** The coordinator console: participants, matching runs, the calendar, facilitators, no-shows, funnels. */
export function coordinatorMatchingRoutes(deps: AppDeps) {
	// Both people's open pages show their new match at once (issue #14), and their organizations'
	// dashboards look again, once for the whole run.
	const announce = async (made: readonly ConversationRecord[]) => {
		for (const c of made)
			deps.live.publish(concerned(c.participantIds), { topic: 'conversation', conversationId: c.id });
		// The coordinators just heard of each conversation.
		await progressChanged(
			deps,
			made.flatMap((c) => c.participantIds),
			{ coordinators: false }
		);
	};
	const { store, clock, env } = deps;

	const community = async (c: AppContext, id = c.req.query('communityId') ?? c.req.param('communityId')) => {
		const found = id ? await store.communities.findById(id) : undefined;
		if (!found) throw new AppError('not_found', 'Choose a community first: this one does not exist.');
		return found;
	};
	const person = async (repos: Repos, id: string) => ({ id, name: fullName(await repos.users.findById(id)) });

	const preview = async (runId: string, communityId: string, result: CommunityMatching) =>
		v.parse(RunPreview, {
			runId,
			communityId,
			pairs: await Promise.all(
				result.pairs.map(async (p) => ({
					a: await person(store, p.a),
					b: await person(store, p.b),
					weight: p.weight,
					reason: p.reason
				}))
			),
			unmatched: await Promise.all(result.unmatched.map((id) => person(store, id))),
			ready: result.ready,
			candidatePairs: result.candidatePairs,
			greedy: result.greedy,
			totalWeight: result.totalWeight
		});

	const calendarEntry = async (conversation: ConversationRecord) =>
		v.parse(CalendarEntry, {
			id: conversation.id,
			status: conversation.status,
			scheduledStart: conversation.scheduledStart,
			participants: await Promise.all(conversation.participantIds.map((id) => person(store, id))),
			facilitator: conversation.facilitatorId ? await person(store, conversation.facilitatorId) : null,
			noShow:
				conversation.status === 'no_show' && conversation.noShowReportedBy && conversation.noShowUserId
					? {
							reportedBy: (await person(store, conversation.noShowReportedBy)).name,
							absent: (await person(store, conversation.noShowUserId)).name
						}
					: null,
			archive:
				conversation.status === 'recorded' ? await loadArchivePackageInfo(store, conversation) : undefined
		});

	return new Hono<AppEnv>()
		.use(requireRole('coordinator'))
		.get('/participants', async (c) => {
			const { id } = await community(c);
			const [progress, organizations] = await Promise.all([
				progressOf(store, { communityId: id, search: c.req.query('q'), now: clock() }),
				store.organizations.list()
			]);
			const active = await store.matching.activeParticipantIds();
			const orgName = new Map(organizations.map((o) => [o.id, o.name]));
			return c.json(
				progress.map(({ person: p, stage }) =>
					v.parse(DirectoryEntry, {
						id: p.userId,
						firstName: p.firstName,
						lastName: p.lastName,
						email: p.email,
						stage,
						waiting: p.orientedAt !== null && !active.has(p.userId),
						priority: p.rematchPriority,
						organizationName: p.partnerOrganizationId ? (orgName.get(p.partnerOrganizationId) ?? null) : null,
						notes: p.coordinatorNotes,
						signedUpAt: p.createdAt
					})
				)
			);
		})
		.post('/participants/:id/notes', async (c) => {
			const { notes } = parseOrThrow(NotesBody, await readJson(c));
			const id = c.req.param('id');
			await store.transaction(async (repos) => {
				if (!(await repos.participants.findByUserId(id)))
					throw new AppError('not_found', 'This participant does not exist.');
				await repos.participants.setNotes(id, notes);
			});
			return c.body(null, 204);
		})
		.post('/communities/:communityId/runs', async (c) => {
			const target = await community(c);
			const { run, result } = await store.transaction((repos) =>
				previewRun(repos, { community: target, coordinatorId: signedInUser(c).userId, now: clock() })
			);
			return c.json(await preview(run.id, target.id, result), 201);
		})
		.post('/runs/:runId/approve', async (c) => {
			const { pairs } = parseOrThrow(PairsBody, await readJson(c));
			const run = await store.matching.findRun(c.req.param('runId'));
			if (!run) throw new AppError('not_found', 'This matching run does not exist. Start a new one.');
			const target = await community(c, run.communityId);
			const made = unwrap(
				await store.transaction((repos) =>
					approvePairs(repos, { community: target, pairs, runId: run.id, env, now: clock() })
				)
			);
			void deps.mailer.flush();
			await announce(made);
			return c.json({ created: made.length });
		})
		.post('/runs/:runId/discard', async (c) => {
			await store.transaction(async (repos) => {
				const run = await repos.matching.findRun(c.req.param('runId'));
				if (run?.status === 'preview')
					await repos.matching.closeRun(run.id, { status: 'discarded', now: clock() });
			});
			return c.body(null, 204);
		})
		.post('/pairs', async (c) => {
			const body = parseOrThrow(ManualPairBody, await readJson(c));
			const target = await community(c, body.communityId);
			const made = unwrap(
				await store.transaction((repos) =>
					approvePairs(repos, { community: target, pairs: [{ a: body.a, b: body.b }], env, now: clock() })
				)
			);
			void deps.mailer.flush();
			await announce(made);
			return c.json({ created: made.length }, 201);
		})
		.get('/conversations', async (c) => {
			const { id } = await community(c);
			const statuses = c.req.query('status')?.split(',') as ConversationRecord['status'][] | undefined;
			const conversations = await store.conversations.listForCommunity(id, { statuses });
			return c.json(await Promise.all(conversations.map(calendarEntry)));
		})
		.get('/facilitators', async (c) => c.json(await store.users.listByRole('facilitator')))
		.post('/conversations/:id/facilitator', async (c) => {
			const { facilitatorId } = parseOrThrow(FacilitatorBody, await readJson(c));
			await store.transaction(async (repos) => {
				const conversation = await repos.conversations.findById(c.req.param('id'));
				if (!conversation)
					throw new AppError('not_found', 'This conversation does not exist. Reload the calendar.');
				if (facilitatorId) {
					const facilitator = await repos.users.findById(facilitatorId);
					if (facilitator?.role !== 'facilitator')
						throw new AppError('validation_failed', 'Choose a facilitator from the list.');
				}
				await repos.conversations.update(conversation.id, { facilitatorId, now: clock() });
			});
			return c.body(null, 204);
		})
		.get('/funnel', async (c) => {
			const { id } = await community(c);
			const progress = await progressOf(store, { communityId: id, now: clock() });
			const organizations = await store.organizations.list();
			return c.json(
				v.parse(FunnelReport, {
					community: funnelOf(progress),
					organizations: organizations.map((o) => ({
						id: o.id,
						name: o.name,
						funnel: funnelOf(progress.filter((p) => p.person.partnerOrganizationId === o.id))
					}))
				})
			);
		});
}
