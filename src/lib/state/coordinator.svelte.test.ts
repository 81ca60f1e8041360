import { describe, expect, it } from 'vitest';
import type { CommunityInfo, DirectoryEntry, RunPreview } from '$lib/contracts/matching';
import { apiError, fakeServer } from '$lib/testing/fake-server';
import { CoordinatorConsole } from './coordinator.svelte';

const birmingham: CommunityInfo = {
	id: 'k1',
	name: 'Birmingham, AL',
	timeZone: 'America/Chicago',
	conversationMinutes: 40,
	matchingMode: 'optimal'
};
const funnel = { signed_up: 4, oriented: 4, matched: 0, scheduled: 0, recorded: 0 };
const rosa: DirectoryEntry = {
	id: 'p1',
	firstName: 'Rosa',
	lastName: 'Paz',
	email: 'rosa@example.org',
	stage: 'oriented',
	waiting: true,
	priority: false,
	organizationName: null,
	notes: '',
	signedUpAt: '2030-01-01T00:00:00.000Z'
};
const person = (id: string) => ({ id, name: id.toUpperCase() });
const reason = {
	sharedMinutesPerWeek: 120,
	sharedInterests: [],
	statementsDiffer: 3,
	statementCount: 5,
	placementGap: 4
};
const run: RunPreview = {
	runId: 'r1',
	communityId: 'k1',
	pairs: [
		{ a: person('p1'), b: person('p2'), weight: 2, reason },
		{ a: person('p3'), b: person('p4'), weight: 1, reason }
	],
	unmatched: [person('p5')],
	ready: 5,
	candidatePairs: 6,
	greedy: { pairs: 2, totalWeight: 3 },
	totalWeight: 3
};

/** The console's server: one community with four people waiting. */
function server() {
	return fakeServer({
		'GET /api/coordinator/communities': { body: [birmingham] },
		'GET /api/coordinator/organizations': { body: [] },
		'GET /api/coordinator/facilitators': { body: [{ id: 'f1', name: 'Fay' }] },
		'GET /api/coordinator/participants?communityId=k1&q=': { body: [rosa] },
		'GET /api/coordinator/conversations?communityId=k1': { body: [] },
		'GET /api/coordinator/funnel?communityId=k1': { body: { community: funnel, organizations: [] } },
		'POST /api/coordinator/communities/k1/runs': { body: run }
	});
}

describe('the coordinator console', () => {
	it('opens on the first community, with its people, calendar and funnel', async () => {
		const s = server();
		const desk = new CoordinatorConsole();
		await desk.start();
		expect(desk.communityId).toBe('k1');
		expect(desk.facilitators).toEqual([{ id: 'f1', name: 'Fay' }]);
		expect(desk.participants.map((p) => p.firstName)).toEqual(['Rosa']);
		expect(desk.funnel?.community.signed_up).toBe(4);
		expect(desk.problem).toBeUndefined();
		expect(s.unexpected).toEqual([]);
	});

	it('searches the directory with what was typed', async () => {
		const s = server();
		s.on('GET /api/coordinator/participants?communityId=k1&q=Rosa%20P', { body: [rosa] });
		const desk = new CoordinatorConsole();
		await desk.start();
		desk.search = 'Rosa P';
		await desk.refresh();
		expect(s.made('GET /api/coordinator/participants?communityId=k1&q=Rosa%20P')).toHaveLength(1);
		expect(s.unexpected).toEqual([]);
	});

	it('says why when the server refuses, and forgets it at the next answer', async () => {
		const s = server();
		for (const list of ['communities', 'organizations', 'facilitators'])
			s.on(`GET /api/coordinator/${list}`, apiError(403, 'forbidden', 'Coordinators only.'));
		const desk = new CoordinatorConsole();
		await desk.start();
		expect(desk.communities).toEqual([]);
		expect(desk.communityId).toBe('');
		expect(desk.problem).toBe('Coordinators only.');
		// Without a community there is nothing to ask for.
		expect(s.made('GET /api/coordinator/funnel?communityId=k1')).toEqual([]);

		s.on('GET /api/coordinator/facilitators', { body: [] });
		s.on('GET /api/coordinator/organizations', { body: [] });
		s.on('GET /api/coordinator/communities', { body: [birmingham] });
		await desk.start();
		expect(desk.problem).toBeUndefined();
		expect(desk.participants).toHaveLength(1);
	});

	it('previews a run with every pair in; a vetoed pair frees its people to be swapped in', async () => {
		server();
		const desk = new CoordinatorConsole();
		await desk.start();
		await desk.previewRun();
		expect(desk.busy).toBe(false);
		expect(desk.pairs).toEqual([
			{ a: 'p1', b: 'p2', include: true },
			{ a: 'p3', b: 'p4', include: true }
		]);
		// Pair 0's second person may become the one nobody was matched with, or stay who they are.
		expect(desk.swapOptions(0).map((p) => p.id)).toEqual(['p2', 'p5']);
		desk.pairs[1]!.include = false;
		expect(desk.swapOptions(0).map((p) => p.id)).toEqual(['p2', 'p3', 'p4', 'p5']);
	});

	it('approves only the pairs kept, as edited, then shows the new state', async () => {
		const s = server();
		s.on('POST /api/coordinator/runs/r1/approve', { body: { created: 1 } });
		const desk = new CoordinatorConsole();
		await desk.start();
		await desk.previewRun();
		desk.pairs[0]!.b = 'p5';
		desk.pairs[1]!.include = false;
		const refreshesBefore = s.made('GET /api/coordinator/conversations?communityId=k1').length;

		expect(await desk.approve()).toBe(1);
		expect(s.made('POST /api/coordinator/runs/r1/approve')[0]?.body).toEqual({
			pairs: [{ a: 'p1', b: 'p5' }]
		});
		expect(desk.run).toBeUndefined();
		expect(desk.pairs).toEqual([]);
		expect(desk.busy).toBe(false);
		expect(s.made('GET /api/coordinator/conversations?communityId=k1')).toHaveLength(refreshesBefore + 1);
	});

	it('keeps the run on screen when its approval is refused', async () => {
		const s = server();
		s.on('POST /api/coordinator/runs/r1/approve', apiError(409, 'match_rule', 'P2 is already matched.'));
		const desk = new CoordinatorConsole();
		await desk.start();
		await desk.previewRun();
		expect(await desk.approve()).toBeUndefined();
		expect(desk.problem).toBe('P2 is already matched.');
		expect(desk.run?.runId).toBe('r1');
		expect(desk.pairs).toHaveLength(2);
		expect(desk.busy).toBe(false);
	});

	it('pairs two people by hand in the open community', async () => {
		const s = server();
		s.on('POST /api/coordinator/pairs', { body: { created: 1 } });
		const desk = new CoordinatorConsole();
		await desk.start();
		expect(await desk.pairByHand('p1', 'p2')).toBe(true);
		expect(s.made('POST /api/coordinator/pairs')[0]?.body).toEqual({ communityId: 'k1', a: 'p1', b: 'p2' });

		s.on('POST /api/coordinator/pairs', apiError(409, 'match_rule', 'Not a pair.'));
		expect(await desk.pairByHand('p1', 'p1')).toBe(false);
		expect(desk.problem).toBe('Not a pair.');
	});

	it('adds a new community and organization to its lists only once the server made them', async () => {
		const s = server();
		const desk = new CoordinatorConsole();
		await desk.start();
		const mobile = { ...birmingham, id: 'k2', name: 'Mobile, AL' };
		s.on('POST /api/coordinator/communities', { body: mobile });
		expect(
			await desk.createCommunity({
				name: 'Mobile, AL',
				timeZone: 'America/Chicago',
				conversationMinutes: 40,
				matchingMode: 'optimal'
			})
		).toBe(true);
		expect(desk.communities.map((c) => c.id)).toEqual(['k1', 'k2']);

		s.on('POST /api/coordinator/organizations', apiError(400, 'validation_failed', 'Give it a name.'));
		expect(await desk.createOrganization({ name: '', description: '', politicalBackground: 'left' })).toBe(
			false
		);
		expect(desk.organizations).toEqual([]);
		expect(desk.problem).toBe('Give it a name.');
	});

	it('saves notes and assigns a facilitator through the server', async () => {
		const s = server();
		s.on('POST /api/coordinator/participants/p1/notes', { status: 204 });
		s.on('POST /api/coordinator/conversations/m1/facilitator', { status: 204 });
		const desk = new CoordinatorConsole();
		await desk.start();
		expect(await desk.saveNotes('p1', 'Prefers evenings.')).toBe(true);
		expect(s.made('POST /api/coordinator/participants/p1/notes')[0]?.body).toEqual({
			notes: 'Prefers evenings.'
		});
		await desk.assignFacilitator('m1', null);
		expect(s.made('POST /api/coordinator/conversations/m1/facilitator')[0]?.body).toEqual({
			facilitatorId: null
		});
		expect(desk.problem).toBeUndefined();
	});
});
