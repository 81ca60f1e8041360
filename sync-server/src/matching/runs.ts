import type { Env } from '../env.ts';
import { matchProposedEmail } from '../mail/matching-templates.ts';
import { accept, reject, type Outcome } from '../outcome.ts';
import type { CommunityRecord, ConversationRecord, MatchingRunRecord, Repos } from '../store/types.ts';
import { matchCommunity, type CommunityMatching } from './engine.ts';
import { createCompiler, type CompiledPerson } from './person.ts';
import { loadPool } from './pool.ts';
import { assessPair, type PairBlock, type PairReason } from './rules.ts';
import { ISSUE_STATEMENTS } from '../../../src/lib/contracts/questionnaire.ts';

/**
 * A matching run: the coordinator previews what the engine proposes, edits it (swap, veto, pair by
 * hand) and approves. Approval is one transaction (the caller's): every pair is checked again against
 * the rules and the database's active_matches guard, and any failure leaves no pair made at all.
 */

export async function previewRun(
	repos: Repos,
	{ community, coordinatorId, now }: { community: CommunityRecord; coordinatorId: string; now: Date }
): Promise<{ run: MatchingRunRecord; result: CommunityMatching }> {
	const pool = await loadPool(repos, community.id);
	const result = matchCommunity(pool, { conversationMinutes: community.conversationMinutes, now });
	const run = await repos.matching.createRun({
		communityId: community.id,
		createdBy: coordinatorId,
		status: 'preview',
		resultJson: JSON.stringify(result),
		now
	});
	return { run, result };
}

const BLOCK_MESSAGES: Record<PairBlock, string> = {
	same_person: 'a person cannot be paired with themselves',
	not_ready: 'one of them has not finished orientation, or already has a match',
	other_community: 'they belong to different communities',
	no_common_language: 'they have no conversation language in common',
	same_last_name: 'they share a last name (they may be family)',
	same_email: 'they share an email address',
	same_phone: 'they share a phone number',
	too_alike: 'their views are too close (they need 2 points apart, or to differ on half the statements)',
	no_common_time: 'they have no stretch of free time in common each week that is long enough',
	met_before: 'they have already been matched with each other'
};

export async function approvePairs(
	repos: Repos,
	{
		community,
		pairs,
		runId = null,
		env,
		now
	}: {
		community: CommunityRecord;
		pairs: readonly { a: string; b: string }[];
		runId?: string | null;
		env: Env;
		now: Date;
	}
): Promise<Outcome<ConversationRecord[]>> {
	if (runId) {
		const run = await repos.matching.findRun(runId);
		if (!run || run.communityId !== community.id)
			return reject({ code: 'not_found', message: 'This matching run does not exist. Start a new one.' });
		if (run.status !== 'preview')
			return reject({
				code: 'wrong_state',
				message: `This matching run was already ${run.status}. Start a new run to match more people.`
			});
	}
	const compiler = createCompiler(ISSUE_STATEMENTS.map((s) => s.id));
	const pool = new Map<string, CompiledPerson>(
		(await loadPool(repos, community.id)).map((p) => [p.id, compiler.compile(p, now)])
	);
	// Every pair is checked before any is written: a refusal is a value, and nothing half-done remains.
	const taken = new Set<string>();
	const approved: { a: string; b: string; reason: PairReason }[] = [];
	for (const { a, b } of pairs) {
		const pa = pool.get(a);
		const pb = pool.get(b);
		if (!pa || !pb)
			return reject({
				code: 'not_found',
				message: 'Someone in this list is not a participant of this community.'
			});
		if (taken.has(a) || taken.has(b))
			return reject({
				code: 'match_rule',
				message: `${await fullNames(repos, [a, b])} cannot be paired: one of them is in two pairs. Nothing was saved.`
			});
		const verdict = assessPair(pa, pb, { conversationMinutes: community.conversationMinutes });
		if (!verdict.ok)
			return reject({
				code: 'match_rule',
				message: `${await fullNames(repos, [a, b])} cannot be paired: ${BLOCK_MESSAGES[verdict.block]}. Nothing was saved.`
			});
		taken.add(a);
		taken.add(b);
		approved.push({ a, b, reason: verdict.reason });
	}
	// Unexpected failures from here on (the active_matches guard, a crash) throw, and the caller's
	// transaction rolls every pair back.
	const created: ConversationRecord[] = [];
	for (const { a, b, reason } of approved) {
		const conversation = await repos.conversations.create({
			communityId: community.id,
			participantIds: [a, b],
			inCommon: reason.sharedInterests.join(', '),
			reasonJson: JSON.stringify(reason),
			matchingRunId: runId,
			now
		});
		await repos.matching.claim([a, b], conversation.id);
		for (const id of [a, b]) {
			await repos.participants.clearPriority(id);
			const user = await repos.users.findById(id);
			if (user?.email)
				await repos.mail.enqueue(
					matchProposedEmail({ to: user.email, firstName: user.firstName, language: user.language, env }),
					now
				);
		}
		created.push(conversation);
	}
	if (runId) await repos.matching.closeRun(runId, { status: 'approved', now });
	return accept(created);
}

/** The coordinator's words for a pair: full names (only the coordinator ever sees these messages). */
async function fullNames(repos: Repos, ids: string[]): Promise<string> {
	const users = await Promise.all(ids.map((id) => repos.users.findById(id)));
	return users.map((u) => (u ? `${u.firstName} ${u.lastName}`.trim() : 'someone')).join(' and ');
}
