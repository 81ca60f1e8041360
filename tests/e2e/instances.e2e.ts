import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import * as Y from 'yjs';
import { readList } from '../../src/lib/sync/question-doc';
import { startTestPostgres, databaseUrl } from '../../sync-server/src/test/postgres';
import { startTestRedis } from '../../sync-server/src/test/redis';
import { testSealingKey } from '../../sync-server/src/test/sealing-key';
import type { DemoOutput } from './demo';
import { expect, test } from './fixtures';
import { BUILDS, TMP } from './paths';
import { endAfterTest } from './processes';
import { addOwn, anotherBrowser, openList, signedInPage, texts } from './question-list';
import { startAppServer, type AppServer } from './server';

/**
 * Issue #17, "A journey across instances": two server processes over one PostgreSQL database and one
 * redis-server, behind a real HAProxy running deploy/haproxy.cfg as it is (its addresses from the
 * environment, and CG_SPREAD_PAIRS=1 so the question lists' sockets are dealt out in turn). Ana and
 * Ben co-edit their question list on different instances; one instance is killed (SIGKILL) and the
 * list goes on through the other, with nothing lost.
 */

function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.on('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject()));
		});
	});
}

/** One command on HAProxy's stats socket; `show stat` answers CSV. */
function askHaproxy(socket: string, command: string): Promise<string> {
	return new Promise((resolve, reject) => {
		let answer = '';
		const connection = createConnection(socket, () => connection.end(`${command}\n`));
		connection.on('data', (chunk) => (answer += chunk.toString()));
		connection.on('end', () => resolve(answer));
		connection.on('error', reject);
	});
}

/** Per server of a backend: its state (UP, DOWN…) and its current sessions. */
async function servers(
	socket: string,
	backend: string
): Promise<Record<string, { status: string; sessions: number }>> {
	const csv = (await askHaproxy(socket, 'show stat')).split('\n');
	const header = csv[0]!.replace(/^# /, '').split(',');
	const column = (name: string) => header.indexOf(name);
	return Object.fromEntries(
		csv
			.map((line) => line.split(','))
			.filter((f) => f[0] === backend && f[1] !== 'BACKEND' && f[1] !== 'FRONTEND')
			.map((f) => [f[1], { status: f[column('status')] ?? '', sessions: Number(f[column('scur')]) }])
	);
}

/** The question list as PostgreSQL holds it (snapshot and log), as any instance would load it. */
async function storedTexts(url: string, conversationId: string): Promise<string[]> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		const name = `questions-${conversationId}`;
		const doc = new Y.Doc();
		const snapshots = await client.query('select state from yjs_snapshots where doc_name = $1', [name]);
		for (const row of snapshots.rows) Y.applyUpdate(doc, row.state);
		const updates = await client.query(
			'select update_data from yjs_updates where doc_name = $1 order by id',
			[name]
		);
		for (const row of updates.rows) Y.applyUpdate(doc, row.update_data);
		return readList(doc)
			.questions.map((q) => q.text)
			.sort();
	} finally {
		await client.end();
	}
}

test('partners on two instances behind HAProxy co-edit live, and go on through one when the other is killed', async ({
	browser
}) => {
	test.setTimeout(180_000);

	// The engines, each started here: PostgreSQL (a database of our own), Redis, then the instances.
	const postgres = await startTestPostgres();
	endAfterTest(() => postgres.stop());
	const database = `cg_e2e_${randomBytes(4).toString('hex')}`;
	const admin = new pg.Client({ connectionString: postgres.adminUrl });
	await admin.connect();
	await admin.query(`create database "${database}"`);
	await admin.end();
	endAfterTest(async () => {
		const client = new pg.Client({ connectionString: postgres.adminUrl });
		await client.connect();
		await client.query(`drop database if exists "${database}" with (force)`);
		await client.end();
	});
	const DATABASE_URL = databaseUrl(postgres.adminUrl, database);
	const redis = await startTestRedis();
	endAfterTest(() => redis.stop());

	const port = await freePort();
	const publicUrl = `http://localhost:${port}`;
	const shared = {
		DATABASE_URL,
		REDIS_URL: redis.url,
		PUBLIC_URL: publicUrl,
		TRUST_PROXY: 'true',
		// One kiosk key for both instances, which a server with DATABASE_URL requires (issue #17).
		KIOSK_SEALING_KEY: await testSealingKey()
	};
	// Both at once, on an empty database: their migrations take turns.
	const [app1, app2] = await Promise.all([
		startAppServer({ staticDir: BUILDS.current, env: shared }),
		startAppServer({ staticDir: BUILDS.current, env: shared })
	]);
	const address = (app: AppServer) => `127.0.0.1:${new URL(app.url).port}`;

	const statsSocket = join(TMP, `haproxy-${port}.sock`);
	let haproxyOutput = '';
	const haproxy = spawn('haproxy', ['-db', '-f', 'deploy/haproxy.cfg'], {
		env: {
			PATH: process.env.PATH,
			LISTEN: `127.0.0.1:${port}`,
			APP1: address(app1),
			APP2: address(app2),
			CG_SPREAD_PAIRS: '1',
			CG_STATS_SOCKET: statsSocket
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	haproxy.stdout.on('data', (d: Buffer) => (haproxyOutput += d));
	haproxy.stderr.on('data', (d: Buffer) => (haproxyOutput += d));
	endAfterTest(() => void haproxy.kill('SIGKILL'));
	await expect
		.poll(
			async () => {
				if (haproxy.exitCode !== null) throw new Error(`haproxy exited:\n${haproxyOutput}`);
				const up = await servers(statsSocket, 'app').catch(() => ({}));
				return Object.values(up).map((s) => s.status);
			},
			{ timeout: 20_000 }
		)
		.toEqual(['UP', 'UP'])
		.catch((error: Error) => {
			throw new Error(`${error.message}\nHAProxy said:\n${haproxyOutput}`);
		});

	// Seeded through the shared database, as `npm run demo` with DATABASE_URL does.
	const demo = JSON.parse(
		execFileSync(process.execPath, ['--import', 'tsx', 'sync-server/src/cli/demo.ts', '--json'], {
			env: { ...process.env, ...shared, DATA_DIR: app1.dataDir, NODE_ENV: 'test' },
			encoding: 'utf8'
		})
	) as DemoOutput;
	const conversation = demo.conversations[0]!;
	const [ana, ben] = conversation.participantIds.map((id) => demo.participants.find((p) => p.id === id)!);
	const front = { url: publicUrl } as AppServer;

	// Both sign in through the load balancer and open the list: one socket on each instance.
	const anaPage = await signedInPage(browser, ana!.signInUrl);
	const benPage = await signedInPage(await anotherBrowser(), ben!.signInUrl);
	await openList(anaPage, front, conversation.id);
	await openList(benPage, front, conversation.id);
	await expect
		.poll(async () => Object.values(await servers(statsSocket, 'in_turn')).map((s) => s.sessions))
		.toEqual([1, 1]);

	await addOwn(anaPage, 'Where did you grow up?');
	await expect(texts(benPage)).toHaveText(['Where did you grow up?']);
	await addOwn(benPage, 'What do you hope for your town?');
	await expect(texts(anaPage)).toHaveText(['Where did you grow up?', 'What do you hope for your town?']);
	for (const page of [anaPage, benPage]) {
		await expect(page.getByTestId('questions-sync-status')).toHaveText(/Synced/);
	}

	// One instance dies mid-edit: a question typed on it is acknowledged before it goes.
	await addOwn(anaPage, 'Who taught you the most?');
	await addOwn(benPage, 'What did you do last Sunday?');
	for (const page of [anaPage, benPage]) {
		await expect(page.getByTestId('questions-sync-status')).toHaveText(/Synced/);
	}
	await app1.stop('SIGKILL');

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
	for (const page of [anaPage, benPage]) {
		await expect
			.poll(async () => (await texts(page).allTextContents()).sort(), { timeout: 30_000 })
			.toEqual(all);
		await expect(page.getByTestId('questions-sync-status')).toHaveText(/Synced/, { timeout: 30_000 });
	}
	await expect.poll(() => storedTexts(DATABASE_URL, conversation.id)).toEqual(all);
	expect(Object.values(await servers(statsSocket, 'in_turn')).map((s) => s.sessions)).toEqual([0, 2]);
});
