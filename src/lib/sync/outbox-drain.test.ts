import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KIOSK_TOKEN_HEADER } from '../contracts/kiosk';
import { PARTICIPATION_AGREEMENT_VERSION, type Questionnaire } from '../contracts/questionnaire';
import { openDb, type CommonGroundDb } from '../db/db';
import { pendingCount, queueSignup } from '../db/outbox';
import { saveSignupDraft } from '../db/drafts';
import { drainOutbox } from './outbox-drain';

const questionnaire: Questionnaire = {
	communityId: 'c1',
	firstName: 'Ada',
	lastName: 'Okafor',
	email: 'ada@example.org',
	ageRange: '35-44',
	languages: ['en'],
	politicalPlacement: 3,
	party: 'independent',
	thermometer: 40,
	issueStances: {
		guns: 'agree',
		immigration: 'disagree',
		healthcare: 'agree',
		climate: 'agree',
		taxes: 'disagree',
		policing: 'agree',
		abortion: 'agree'
	},
	interests: ['gardening'],
	availability: [{ day: 'tue', start: '18:00', end: '20:00' }],
	motivation: 'To listen.',
	autobiography: 'I grew up in Ensley and keep bees in my back yard.',
	agreementAccepted: true,
	agreementVersion: PARTICIPATION_AGREEMENT_VERSION,
	uiLanguage: 'en'
};

const result = {
	participantId: 'p1',
	firstName: 'Ada',
	personalCode: 'K7QM-4XTR',
	emailSentTo: 'ada@example.org'
};
const json = (status: number, body: unknown) =>
	new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

let db: CommonGroundDb;
let sent: unknown[];
let sentHeaders: Headers[];
beforeEach(async () => {
	db = openDb(`test-${crypto.randomUUID()}`);
	await db.open();
	sent = [];
	sentHeaders = [];
});
afterEach(() => db.delete());

function server(...answers: (Response | Error)[]): typeof fetch {
	return async (_url, init) => {
		sent.push(JSON.parse(String(init?.body)));
		sentHeaders.push(new Headers(init?.headers));
		const next = answers.shift() ?? new Error('no more answers');
		if (next instanceof Error) throw next;
		return next;
	};
}

describe('drainOutbox', () => {
	it('queues a sign-up atomically with its record and removes the draft', async () => {
		await saveSignupDraft(db, { answers: { firstName: 'Ada' }, stepIndex: 6 });
		const id = await queueSignup(db, { questionnaire });
		expect(await pendingCount(db)).toBe(1);
		expect(await db.signups.get(id)).toMatchObject({ status: 'waiting', firstName: 'Ada' });
		expect(await db.drafts.get('signup')).toBeUndefined();
	});

	it('delivers a queued sign-up and keeps the server answer', async () => {
		const id = await queueSignup(db, { questionnaire });
		const report = await drainOutbox({
			db,
			fetcher: server(json(200, { id, status: 'applied', result }))
		});
		expect(report).toEqual({ delivered: 1, rejected: 0, retrying: 0 });
		expect(sent).toEqual([{ id, type: 'signup', payload: questionnaire }]);
		expect(await pendingCount(db)).toBe(0);
		expect(await db.signups.get(id)).toMatchObject({ status: 'sent', result });
	});

	it('keeps the entry and backs off while offline, then sends the same id again', async () => {
		const id = await queueSignup(db, { questionnaire, now: 1_000 });
		const offline = await drainOutbox({
			db,
			fetcher: server(new TypeError('Failed to fetch')),
			now: () => 1_000,
			random: () => 1
		});
		expect(offline.retrying).toBe(1);
		const entry = await db.outbox.get(id);
		expect(entry).toMatchObject({ attempts: 1, nextAttemptAt: 2_000 });

		const tooEarly = await drainOutbox({ db, fetcher: server(), now: () => 1_500 });
		expect(tooEarly).toEqual({ delivered: 0, rejected: 0, retrying: 0 });

		await drainOutbox({
			db,
			fetcher: server(json(200, { id, status: 'replayed', result })),
			now: () => 2_000
		});
		expect(sent.map((m) => (m as { id: string }).id)).toEqual([id, id]);
		expect(await pendingCount(db)).toBe(0);
	});

	it('retries on a server error but gives a refused sign-up back to the person as a draft', async () => {
		const id = await queueSignup(db, { questionnaire });
		await drainOutbox({ db, fetcher: server(json(503, { code: 'internal', message: 'down' })) });
		expect(await pendingCount(db)).toBe(1);

		await db.outbox.update(id, { nextAttemptAt: 0 });
		const error = {
			code: 'unknown_invite_code',
			message: 'Unknown invite code',
			fields: { inviteCode: 'Check the code.' }
		};
		const report = await drainOutbox({ db, fetcher: server(json(400, error)) });
		expect(report.rejected).toBe(1);
		expect(await pendingCount(db)).toBe(0);
		expect(await db.signups.get(id)).toMatchObject({ status: 'rejected', error });
		expect((await db.drafts.get('signup'))?.answers.email).toBe('ada@example.org');
	});

	it("sends a sign-up with the kiosk's device token, for the server to credit its organization (issue #14)", async () => {
		const id = await queueSignup(db, { questionnaire });
		await drainOutbox({
			db,
			fetcher: server(json(200, { id, status: 'applied', result })),
			signupHeaders: async () => ({ [KIOSK_TOKEN_HEADER]: 'device-token' })
		});
		expect(sentHeaders[0]?.get(KIOSK_TOKEN_HEADER)).toBe('device-token');
	});

	it('sends nothing of a kiosk from an ordinary device', async () => {
		const id = await queueSignup(db, { questionnaire });
		await drainOutbox({ db, fetcher: server(json(200, { id, status: 'applied', result })) });
		expect([...sentHeaders[0]!.keys()]).toEqual(['content-type']);
	});
});
