import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/**
 * Issue #17, "Uploads across instances": two server processes over one PostgreSQL database and one
 * bucket (Swift's s3api), behind HAProxy running deploy/haproxy.cfg as it is. A tus upload stays on
 * the instance that made it; when that instance is killed (SIGKILL) mid-upload, the next request
 * reaches the other one, which doesn't have it (404), and a new upload of the same recording is
 * confirmed there and filed in the bucket.
 */

const TUS = { 'tus-resumable': '1.0.0' };
let engine: TestS3;
let store: Store;
let lb: string;
let cookie: string;
let userId: string;
let conversationId: string;
let share: Uint8Array;
const instances: { dir: string; child: ChildProcess }[] = [];
let haproxy: ChildProcess | undefined;
const dataDir = tempDir('cg-across-');

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
		});
	});
}

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

	// Ana, signed in (her session is valid on both instances), and her recorded conversation.
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
		return { ana, conversation, sessionId: await createSession(repos, { userId: ana.id, now, env }) };
	});
	userId = made.ana.id;
	conversationId = made.conversation.id;
	cookie = `${sessionCookieName(env)}=${made.sessionId}`;
}, 180_000);

afterAll(async () => {
	haproxy?.kill('SIGKILL');
	for (const { child } of instances) child.kill('SIGKILL');
	await store?.close();
	await engine?.stop();
	for (const dir of [dataDir, ...instances.map((i) => i.dir)]) rmSync(dir, { recursive: true, force: true });
});

const meta = () => ({
	conversationId,
	trackId: `rec1_${userId}`,
	kind: 'share',
	sha256: sha256Hex(share),
	durationMs: '4000',
	startedAtServerMs: '1762095600000',
	samplesPerSecond: '48000'
});

async function create(): Promise<string> {
	const res = await fetch(`${lb}/uploads`, {
		method: 'POST',
		headers: {
			...TUS,
			cookie,
			'upload-length': String(share.byteLength),
			'upload-metadata': encodeMeta(meta())
		}
	});
	expect(res.status).toBe(201);
	return new URL(res.headers.get('location') ?? '', lb).pathname;
}

const patch = (path: string, offset: number, bytes: Uint8Array) =>
	fetch(`${lb}${path}`, {
		method: 'PATCH',
		headers: {
			...TUS,
			cookie,
			'upload-offset': String(offset),
			'content-type': 'application/offset+octet-stream'
		},
		body: bytes.slice()
	});

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
	it('stays on the instance that made it; when that one dies, a new upload is confirmed on the other', async () => {
		const first = await create();
		const half = share.byteLength >> 1;
		// The PATCH reaches the instance that made the upload (any other would answer 404).
		expect((await patch(first, 0, share.subarray(0, half))).status).toBe(204);
		const id = first.split('/').pop() ?? '';
		const holders = instances.filter((i) => existsSync(join(i.dir, 'uploads', id)));
		expect(holders).toHaveLength(1);
		const [holder] = holders;
		holder?.child.kill('SIGKILL');

		// HAProxy sends Ana elsewhere (it retries a refused connection on the other instance), where
		// the upload is not: tus says 404, and the device starts the recording's upload again. A request
		// cut off with the dead instance fails as a network error, which the device's tus client retries.
		const head = await asTheClientRetries(() =>
			fetch(`${lb}${first}`, { method: 'HEAD', headers: { ...TUS, cookie } })
		);
		expect(head.status).toBe(404);
		const again = await create();
		const last = await patch(again, 0, share);
		expect(last.status).toBe(204);
		expect(last.headers.get('upload-checksum-sha256')).toBe(sha256Hex(share));

		const [track] = await store.trackFiles.listForConversation(conversationId);
		expect(track?.uploadId).toBe(again.split('/').pop());
		const bucket = s3BlobStore(engine.config);
		try {
			const stored = await bucket.bytes(track?.filePath ?? '');
			expect(stored && sha256Hex(stored)).toBe(sha256Hex(share));
		} finally {
			bucket.close();
		}
	}, 120_000);
});
