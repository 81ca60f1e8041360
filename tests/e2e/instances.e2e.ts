import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { Redis } from 'ioredis';
import { roomPeerId } from '../../src/lib/core/room-peer-id';
import { chunkedMatch, rmsEnvelope } from './audio-match';
import {
	joinRoom,
	launchWithMic,
	recordedHere,
	serverUploads,
	stopRecording,
	waitForElapsed,
	type ServerUpload
} from './call-helpers';
import { consent } from './consent';
import type { DemoOutput } from './demo';
import { expect, test } from './fixtures';
import { queryStore, startInstances, storedTexts } from './instances-engines';
import { TMP } from './paths';
import { addOwn, openList, signedInPage, texts } from './question-list';
import { decodeStereo, localUploads, RATE } from './recorded-track';
import type { AppServer } from './server';
import { speechEnvelope, speechWav } from './speech';

/**
 * Issue #17, "A journey across instances": two server processes over one PostgreSQL database, one
 * redis-server and one S3 bucket (Swift's s3api), behind a real HAProxy running deploy/haproxy.cfg
 * as it is (CG_SPREAD_PAIRS=1 deals the question lists' and the call's sockets out in turn), every
 * engine started here. What it proves:
 * - partners on different instances co-edit their question list live;
 * - they join the call with their peers on different instances (the signaling crosses through
 *   Redis), hear each other and record ~12 s;
 * - the instance that holds an unfinished upload can die (SIGKILL, mid-edit on the list) without
 *   losing anything acknowledged: the list goes on through the other instance with every edit, the
 *   track it confirmed is in the bucket, and the device that hadn't finished (Ben's link failed as
 *   Ana stopped) still has its audio, sends it again to the survivor as a new upload, and the
 *   survivor confirms it by the device's checksum;
 * - the survivor mixes the copy from both tracks in the bucket (one filed by the dead instance),
 *   both consent through it, and both download the copy, which holds each voice on its side.
 */

// A trace's screencast competes with the real-time audio threads (see call.e2e.ts).
test.use({ trace: 'off' });

const RECORD_MS = 12_000;

test('partners on two instances behind HAProxy co-edit, record a call, go on through one when the other is killed, consent and both get the copy', async () => {
	test.setTimeout(240_000);
	const instances = await startInstances();
	const { apps, url, databaseUrl } = instances;

	// Seeded through the shared database, as `npm run demo` with DATABASE_URL does.
	const demo = JSON.parse(
		execFileSync(process.execPath, ['--import', 'tsx', 'sync-server/src/cli/demo.ts', '--json'], {
			env: { ...process.env, ...instances.shared, DATA_DIR: apps[0].dataDir, NODE_ENV: 'test' },
			encoding: 'utf8'
		})
	) as DemoOutput;
	const conversation = demo.conversations[0]!;
	const [ana, ben] = conversation.participantIds.map((id) => demo.participants.find((p) => p.id === id)!);
	const front = { url } as AppServer;

	// Both sign in through the load balancer, each in a browser with their own voice on the microphone.
	const anaPage = await signedInPage(await launchWithMic(speechWav('ada')), ana!.signInUrl);
	const benPage = await signedInPage(await launchWithMic(speechWav('ben')), ben!.signInUrl);
	const both = [anaPage, benPage];

	// 1. The list: one socket on each instance, edits live both ways.
	for (const page of both) await openList(page, front, conversation.id);
	await expectOnePerInstance(instances.servers, 'in_turn');
	await addOwn(anaPage, 'Where did you grow up?');
	await expect(texts(benPage)).toHaveText(['Where did you grow up?']);
	await addOwn(benPage, 'What do you hope for your town?');
	await expect(texts(anaPage)).toHaveText(['Where did you grow up?', 'What do you hope for your town?']);
	await expectSynced(both);

	// 2. The call: each peer registered on a different instance, yet they connect and hear each other.
	for (const page of both) await joinRoom(page, `${url}/conversations/${conversation.id}/room`);
	for (const page of both) {
		const partner = page.getByTestId('member');
		await expect(partner).toHaveAttribute('data-link', 'connected', { timeout: 30_000 });
		await expect(partner).toHaveAttribute('data-hearing', 'true', { timeout: 30_000 });
	}
	expect(await peerInstances(instances.redisUrl, conversation.id, [ana!.id, ben!.id])).toHaveLength(2);

	// 3. Ana and Ben record ~12 s; their share tracks go up during the call, both to the one instance
	// their conversation hashes to. Ben's link to it fails just before Ana stops for both, so his
	// upload is left half done there, while Ana's is confirmed and filed in the bucket.
	await anaPage.getByRole('button', { name: 'I’m ready to record' }).click();
	await expect(benPage.getByText(`${ana!.firstName} is ready.`)).toBeVisible();
	await benPage.getByRole('button', { name: 'I’m ready to record' }).click();
	for (const page of both) {
		await expect(page.getByTestId('recording-state')).toHaveAttribute('data-state', 'recording');
	}
	const benHalfDone = () =>
		apps.flatMap((app) =>
			serverUploads(app.dataDir)
				.filter((u) => u.userId === ben!.id && u.kind === 'share' && u.bytes > 0)
				.map((upload) => ({ app, upload }))
		);
	await expect.poll(() => benHalfDone().length, { timeout: 60_000 }).toBe(1);
	await waitForElapsed(anaPage, RECORD_MS);
	await benPage.context().route(isUpload, (route) => route.abort('internetdisconnected'));
	await stopRecording(anaPage);
	for (const page of both) {
		await expect(page.getByTestId('recording-state')).toHaveAttribute('data-state', 'stopped');
	}
	await expect.poll(() => shareTracks(databaseUrl, conversation.id), { timeout: 120_000 }).toHaveLength(1);
	const [{ app: holder, upload: halfDone }] = benHalfDone() as [{ app: AppServer; upload: ServerUpload }];
	expect(halfDone.size, "Ben's upload is not finished").toBeUndefined();
	const [anaTrack] = await shareTracks(databaseUrl, conversation.id);
	expect(anaTrack?.user_id).toBe(ana!.id);
	expect(
		serverUploads(holder.dataDir).map((u) => u.id),
		"Ana's upload went to the instance that holds Ben's"
	).toContain(anaTrack?.upload_id);

	// 4. Back on the list, the instance that holds Ben's unfinished upload dies mid-edit: what it
	// acknowledged stays (the list's edits, Ana's confirmed track), and Ben's device still has his audio.
	for (const page of both) await openList(page, front, conversation.id);
	await expectOnePerInstance(instances.servers, 'in_turn');
	await addOwn(anaPage, 'Who taught you the most?');
	await addOwn(benPage, 'What did you do last Sunday?');
	await expectSynced(both);
	await holder.stop('SIGKILL');
	expect((await recordedHere(benPage)).segments, "Ben's device keeps his recording").toBeGreaterThan(0);
	await benPage.context().unroute(isUpload);

	// Whoever was on it reconnects through HAProxy to the other; the list goes on, live, for both.
	await addOwn(anaPage, 'What surprised you about the other side?');
	await addOwn(benPage, 'What would you like me to understand?');
	const all = [
		'What did you do last Sunday?',
		'What do you hope for your town?',
		'What surprised you about the other side?',
		'What would you like me to understand?',
		'Where did you grow up?',
		'Who taught you the most?'
	];
	for (const page of both) {
		await expect
			.poll(async () => (await texts(page).allTextContents()).sort(), { timeout: 30_000 })
			.toEqual(all);
	}
	await expectSynced(both, 30_000);
	await expect.poll(() => storedTexts(databaseUrl, conversation.id)).toEqual(all);
	const survivor = apps[0] === holder ? 'app2' : 'app1';
	expect((await instances.servers('in_turn'))[survivor]?.sessions).toBe(2);

	// 5. Consent, through the survivor: yes to the copy, no to the archive.
	for (const page of both) {
		await page.goto(`${url}/conversations/${conversation.id}`);
		await consent(page, { copy: 'Yes', archive: 'No' });
	}

	// 6. Ben's device sends his recording again, to the survivor, which confirms it by its checksum
	// and mixes the copy from both tracks in the bucket (Ana's filed by the instance that died).
	await expect.poll(() => shareTracks(databaseUrl, conversation.id), { timeout: 120_000 }).toHaveLength(2);
	const benTrack = (await shareTracks(databaseUrl, conversation.id)).find((t) => t.user_id === ben!.id)!;
	expect(benTrack.upload_id, 'a new upload, not the one the dead instance held').not.toBe(halfDone.id);
	expect((await localUploads(benPage)).find((u) => u.kind === 'share')?.sha256).toBe(benTrack.sha256);
	await expect
		.poll(() => copyOf(databaseUrl, conversation.id).then((c) => c?.status), { timeout: 120_000 })
		.toBe('ready');
	const [alive] = apps.filter((app) => app !== holder) as [AppServer];
	expect(alive.output(), 'the survivor mixed the copy').toContain(
		`copy mixed {"conversationId":"${conversation.id}"`
	);

	// 7. The copy: both pages offer it, and both download it through the survivor.
	const copy = (await copyOf(databaseUrl, conversation.id))!;
	for (const [who, page] of [
		['Ana', anaPage],
		['Ben', benPage]
	] as const) {
		const link = page.getByTestId('copy-link');
		await expect(link).toBeVisible({ timeout: 60_000 });
		const response = await page.request.get(`${url}${(await link.getAttribute('href')) ?? ''}`);
		expect(response.status(), `${who} downloads the copy`).toBe(200);
		const bytes = await response.body();
		expect(createHash('sha256').update(bytes).digest('hex'), `${who} gets the copy that was mixed`).toBe(
			copy.sha256
		);
		if (who === 'Ana') expectBothVoices(bytes, conversation.id);
	}
});

/** The share copy: left is the first participant (Ana's voice, 'ada'), right the second (Ben's). */
function expectBothVoices(bytes: Buffer, conversationId: string) {
	const file = join(TMP, `copy-${conversationId}.opus`);
	writeFileSync(file, bytes);
	const { left, right } = decodeStereo(file);
	// From the first start to the last stop: a little longer than Ana's timer, with Stop's trip to Ben.
	const seconds = left.length / RATE;
	expect(seconds, 'the copy is about as long as the recording').toBeGreaterThan((RECORD_MS / 1000) * 0.9);
	expect(seconds, 'the copy is about as long as the recording').toBeLessThan((RECORD_MS / 1000) * 2);
	const sources = { ada: speechEnvelope('ada'), ben: speechEnvelope('ben') };
	for (const [side, channel, own, other] of [
		['left', left, 'ada', 'ben'],
		['right', right, 'ben', 'ada']
	] as const) {
		const envelope = rmsEnvelope(channel, RATE);
		const mine = chunkedMatch(envelope, sources[own]);
		const theirs = chunkedMatch(envelope, sources[other]);
		expect(mine, `the copy's ${side} side is ${own}'s voice`).toBeGreaterThan(0.8);
		expect(mine - theirs, `the copy's ${side} side is not ${other}'s voice`).toBeGreaterThan(0.25);
	}
}

/** tus: the creating POST and every request of an upload (the declaration and finish too). */
const isUpload = (url: URL) => url.pathname === '/uploads' || url.pathname.startsWith('/uploads/');

/** The conversation's confirmed share tracks, as every instance reads them. */
function shareTracks(databaseUrl: string, conversationId: string) {
	return queryStore<{ user_id: string; upload_id: string; sha256: string }>(
		databaseUrl,
		"select user_id, upload_id, sha256 from conversation_tracks where conversation_id = $1 and kind = 'share'",
		[conversationId]
	);
}

async function expectOnePerInstance(
	servers: (backend: string) => Promise<Record<string, { sessions: number }>>,
	backend: string
) {
	await expect.poll(async () => Object.values(await servers(backend)).map((s) => s.sessions)).toEqual([1, 1]);
}

async function expectSynced(pages: Page[], timeout?: number) {
	for (const page of pages) {
		await expect(page.getByTestId('questions-sync-status')).toHaveText(/Synced/, { timeout });
	}
}

/** The instances (the relay's ids in Redis) the peers of these people in this room are registered on. */
async function peerInstances(redisUrl: string, conversationId: string, userIds: string[]): Promise<string[]> {
	const redis = new Redis(redisUrl);
	try {
		const holders = await Promise.all(
			userIds.map((userId) => redis.get(`peer:${roomPeerId({ conversationId, userId })}`))
		);
		expect(holders.every(Boolean), 'every peer is registered').toBe(true);
		return [...new Set(holders)] as string[];
	} finally {
		redis.disconnect();
	}
}

function copyOf(databaseUrl: string, conversationId: string) {
	return queryStore<{ status: string; sha256: string }>(
		databaseUrl,
		'select status, sha256 from conversation_copies where conversation_id = $1',
		[conversationId]
	).then((rows) => rows[0]);
}
