import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CONFIRMED_CHECKSUM_HEADER, CONVERSATION_HEADER } from '../../../src/lib/contracts/uploads.ts';
import { createSession } from '../auth/sessions.ts';
import { loadEnv } from '../env.ts';
import { sessionCookieName } from '../http/session.ts';
import { silentLogger } from '../log.ts';
import { createTranscoder } from '../media/ffmpeg.ts';
import { s3BlobStore } from '../media/s3-blob-store.ts';
import { openStoreFor } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import { encode, sha256Hex, tonePcm } from '../test/audio.ts';
import { uniqueEmail } from '../test/factories.ts';
import { tempDir } from '../test/harness.ts';
import { startTestS3, type TestS3 } from '../test/s3.ts';
import { testDatabaseFor } from '../test/postgres.ts';
import { testSealingKey } from '../test/sealing-key.ts';
import { encodeMeta } from '../test/tus.ts';
import { freePort } from '../test/free-port.ts';

/**
 * Issue #17, "Uploads across instances" and the fault test "kill -9 one instance during an upload":
 * two server processes over one PostgreSQL database and one bucket (Swift's s3api), behind HAProxy
 * running deploy/haproxy.cfg as it is. Both partners' uploads name their conversation
 * (Conversation-Id, as the app sends it), so they reach one instance. Ana's share track is
 * confirmed there, and Ben's is half sent when that instance is killed (SIGKILL). Nothing it
 * acknowledged is lost: Ana's track stays filed, in the bucket. Ben's next request reaches the
 * other instance, which doesn't have his upload (404); a new upload of the same recording is
 * confirmed there, and that instance mixes the copy from both tracks in the bucket.
 */

const TUS = { 'tus-resumable': '1.0.0' };
let engine: TestS3;
let store: Store;
let lb: string;
/** Ana's and Ben's sessions, valid on both instances. */
const people: Record<'ana' | 'ben', { cookie: string; userId: string }> = {} as never;
let conversationId: string;
let share: Uint8Array;
const instances: { dir: string; child: ChildProcess }[] = [];
let haproxy: ChildProcess | undefined;
const dataDir = tempDir('cg-across-');

async function untilHealthy(url: string, child: ChildProcess, output: () => string) {
	for (let i = 0; i < 600; i++) {
		if (child.exitCode !== null) throw new Error(`exited early:\n${output()}`);
		const ok = await fetch(`${url}/api/health`).then(
			(res) => res.ok,
			() => false
		);
		if (ok) return;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	throw new Error(`not healthy within 60 s:\n${output()}`);
}

function spawnLogged(command: string, args: string[], env: Record<string, string>) {
	const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
	let output = '';
	child.stdout?.on('data', (d: Buffer) => (output += d));
	child.stderr?.on('data', (d: Buffer) => (output += d));
	process.once('exit', () => child.kill('SIGKILL'));
	return { child, output: () => output };
}

beforeAll(async () => {
	const databaseUrl = await testDatabaseFor(dataDir);
	engine = await startTestS3();
	const transcoder = createTranscoder();
	share = await encode(transcoder, tonePcm({ seconds: 4, hz: 220 }), 'opus');
	await transcoder.close();

	const [listen, ...ports] = await Promise.all([freePort(), freePort(), freePort()]);
	lb = `http://localhost:${listen}`;
	const shared = {
		DATABASE_URL: databaseUrl,
		// One kiosk key for both instances, which a server with DATABASE_URL requires.
		KIOSK_SEALING_KEY: await testSealingKey(),
		PUBLIC_URL: lb,
		TRUST_PROXY: 'true',
		NODE_ENV: 'test',
		...engine.env
	};
	// One at a time: both migrating one empty database at once is the PG helper's test, not this one.
	for (const port of ports) {
		const dir = tempDir('cg-instance-');
		const url = `http://127.0.0.1:${port}`;
		const { child, output } = spawnLogged(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
			...shared,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATA_DIR: dir,
			STATIC_DIR: join(dir, 'no-build')
		});
		instances.push({ dir, child });
		await untilHealthy(url, child, output);
	}
	const balancer = spawnLogged('haproxy', ['-db', '-f', 'deploy/haproxy.cfg'], {
		LISTEN: `127.0.0.1:${listen}`,
		APP1: `127.0.0.1:${ports[0]}`,
		APP2: `127.0.0.1:${ports[1]}`
	});
	haproxy = balancer.child;
	await untilHealthy(lb, balancer.child, balancer.output);

	// Ana and Ben, signed in, and their recorded conversation.
	store = await openStoreFor({ dataDir, databaseUrl }, { log: silentLogger });
	const env = loadEnv({ DATA_DIR: dataDir, PUBLIC_URL: lb });
	const now = new Date();
	const made = await store.transaction(async (repos) => {
		const participant = (firstName: string) =>
			repos.users.create({
				role: 'participant',
				email: uniqueEmail(firstName.toLowerCase()),
				firstName,
				lastName: 'Example',
				phone: null,
				language: 'en',
				partnerOrganizationId: null,
				personalCodeHash: null,
				now
			});
		const ana = await participant('Ana');
		const ben = await participant('Ben');
		const [community] = await repos.communities.list();
		const conversation = await repos.conversations.create({
			communityId: community?.id ?? '',
			participantIds: [ana.id, ben.id],
			status: 'recorded',
			now
		});
		const session = async (userId: string) => ({
			userId,
			cookie: `${sessionCookieName(env)}=${await createSession(repos, { userId, now, env })}`
		});
		return { conversation, ana: await session(ana.id), ben: await session(ben.id) };
	});
	people.ana = made.ana;
	people.ben = made.ben;
	conversationId = made.conversation.id;
}, 180_000);

afterAll(async () => {
	haproxy?.kill('SIGKILL');
	for (const { child } of instances) child.kill('SIGKILL');
	await store?.close();
	await engine?.stop();
	for (const dir of [dataDir, ...instances.map((i) => i.dir)]) rmSync(dir, { recursive: true, force: true });
});

type Who = keyof typeof people;

/** What the app sends on every request of an upload: the session, and the conversation to route by. */
const headers = (who: Who) => ({
	...TUS,
	cookie: people[who].cookie,
	[CONVERSATION_HEADER.toLowerCase()]: conversationId
});

const meta = (who: Who) => ({
	conversationId,
	trackId: `rec1_${people[who].userId}`,
	kind: 'share',
	sha256: sha256Hex(share),
	durationMs: '4000',
	startedAtServerMs: '1762095600000',
	samplesPerSecond: '48000'
});

async function create(who: Who): Promise<string> {
	const res = await fetch(`${lb}/uploads`, {
		method: 'POST',
		headers: {
			...headers(who),
			'upload-length': String(share.byteLength),
			'upload-metadata': encodeMeta(meta(who))
		}
	});
	expect(res.status).toBe(201);
	return new URL(res.headers.get('location') ?? '', lb).pathname;
}

const patch = (who: Who, path: string, offset: number, bytes: Uint8Array) =>
	fetch(`${lb}${path}`, {
		method: 'PATCH',
		headers: {
			...headers(who),
			'upload-offset': String(offset),
			'content-type': 'application/offset+octet-stream'
		},
		body: bytes.slice()
	});

const holderOf = (path: string) =>
	instances.filter((i) => existsSync(join(i.dir, 'uploads', path.split('/').pop() ?? '')));

/** tus-js-client's way with a network error or a gateway's 502/503: try again, a few times. */
async function asTheClientRetries(request: () => Promise<Response>): Promise<Response> {
	for (let attempt = 1; ; attempt++) {
		const res = await request().catch((error: unknown) => {
			if (attempt >= 5) throw error;
			return undefined;
		});
		if (res && (![502, 503].includes(res.status) || attempt >= 5)) return res;
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

describe('a tus upload behind HAProxy, across two instances', () => {
	it('stays on the instance that made it; when that one dies, nothing it confirmed is lost and a new upload is confirmed on the other', async () => {
		// Ana's whole track, confirmed by its checksum: acknowledged.
		const anas = await create('ana');
		const confirmed = await patch('ana', anas, 0, share);
		expect(confirmed.headers.get(CONFIRMED_CHECKSUM_HEADER)).toBe(sha256Hex(share));
		// Ben's half: it reaches the instance that made his upload (any other would answer 404), which
		// is Ana's, since both name their conversation.
		const first = await create('ben');
		const half = share.byteLength >> 1;
		expect((await patch('ben', first, 0, share.subarray(0, half))).status).toBe(204);
		const holders = holderOf(first);
		expect(holders).toHaveLength(1);
		expect(holderOf(anas)).toEqual(holders);
		const [holder] = holders;
		holder?.child.kill('SIGKILL');

		// HAProxy sends Ben elsewhere (it retries a refused connection on the other instance), where
		// the upload is not: tus says 404, and the device starts the recording's upload again. A request
		// cut off with the dead instance fails as a network error, which the device's tus client retries.
		const head = await asTheClientRetries(() =>
			fetch(`${lb}${first}`, { method: 'HEAD', headers: headers('ben') })
		);
		expect(head.status).toBe(404);
		const again = await create('ben');
		const last = await patch('ben', again, 0, share);
		expect(last.status).toBe(204);
		expect(last.headers.get(CONFIRMED_CHECKSUM_HEADER)).toBe(sha256Hex(share));

		const tracks = await store.trackFiles.listForConversation(conversationId);
		const trackOf = (who: Who) => tracks.find((t) => t.userId === people[who].userId);
		expect(trackOf('ana')?.uploadId).toBe(anas.split('/').pop());
		expect(trackOf('ben')?.uploadId).toBe(again.split('/').pop());
		const bucket = s3BlobStore(engine.config);
		try {
			for (const who of ['ana', 'ben'] as const) {
				const stored = await bucket.bytes(trackOf(who)?.filePath ?? '');
				expect(stored && sha256Hex(stored), `${who}'s track is in the bucket`).toBe(sha256Hex(share));
			}
			// The survivor mixes the copy from both tracks in the bucket, one filed by the dead instance.
			await vi.waitFor(
				async () => {
					const copy = await store.copies.find(conversationId);
					if (copy?.status !== 'ready') throw new Error(`the copy is ${copy?.status ?? 'not there'}`);
				},
				{ timeout: 60_000, interval: 200 }
			);
			const copy = await store.copies.find(conversationId);
			const mixed = await bucket.bytes(copy?.filePath ?? '');
			expect(mixed && sha256Hex(mixed)).toBe(copy?.sha256);
		} finally {
			bucket.close();
		}
	}, 120_000);
});
