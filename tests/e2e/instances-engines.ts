import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import * as Y from 'yjs';
import { readList } from '../../src/lib/sync/question-doc';
import { databaseUrl, startTestPostgres } from '../../sync-server/src/test/postgres';
import { startTestRedis } from '../../sync-server/src/test/redis';
import { startTestS3 } from '../../sync-server/src/test/s3';
import { testSealingKey } from '../../sync-server/src/test/sealing-key';
import { expect } from './fixtures';
import { BUILDS, TMP } from './paths';
import { endAfterTest } from './processes';
import { startAppServer, type AppServer } from './server';
import { freePort } from '../../sync-server/src/test/free-port';
import { askHaproxy } from './haproxy-stats';

/**
 * The across-instances journey's engines (issue #17), each started here and ended with the test:
 * PostgreSQL (a database of our own), Redis, the S3 engine (Swift's s3api), two app instances over
 * all three, and a real HAProxy running deploy/haproxy.cfg as it is, its addresses from the
 * environment and CG_SPREAD_PAIRS=1, so the question lists' and the call's sockets are dealt out in
 * turn and partners land on different instances.
 */
export type Instances = {
	/** The load balancer's address, which is also both instances' PUBLIC_URL. */
	url: string;
	apps: [AppServer, AppServer];
	databaseUrl: string;
	redisUrl: string;
	/** Per server of one of HAProxy's backends: its state (UP, DOWN…) and its current sessions. */
	servers(backend: string): Promise<Record<string, { status: string; sessions: number }>>;
	/** The environment both instances share, for a CLI that works on the same data (`npm run demo`). */
	shared: Record<string, string>;
};

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

async function ownDatabase(adminUrl: string): Promise<string> {
	const name = `cg_e2e_${randomBytes(4).toString('hex')}`;
	const admin = new pg.Client({ connectionString: adminUrl });
	await admin.connect();
	await admin.query(`create database "${name}"`);
	await admin.end();
	endAfterTest(async () => {
		const client = new pg.Client({ connectionString: adminUrl });
		await client.connect();
		await client.query(`drop database if exists "${name}" with (force)`);
		await client.end();
	});
	return databaseUrl(adminUrl, name);
}

export async function startInstances(): Promise<Instances> {
	// The three engines at once: each takes seconds to come up on a busy machine.
	const [postgres, redis, s3] = await Promise.all([startTestPostgres(), startTestRedis(), startTestS3()]);
	endAfterTest(() => postgres.stop());
	endAfterTest(() => redis.stop());
	endAfterTest(() => s3.stop());
	const DATABASE_URL = await ownDatabase(postgres.adminUrl);

	const port = await freePort();
	const url = `http://localhost:${port}`;
	const shared = {
		DATABASE_URL,
		REDIS_URL: redis.url,
		...s3.env,
		PUBLIC_URL: url,
		TRUST_PROXY: 'true',
		// One kiosk key for both instances, which a server with DATABASE_URL requires (issue #17).
		KIOSK_SEALING_KEY: await testSealingKey()
	};
	// Both at once, on an empty database: their migrations take turns.
	const apps = (await Promise.all([
		startAppServer({ staticDir: BUILDS.current, env: shared }),
		startAppServer({ staticDir: BUILDS.current, env: shared })
	])) as [AppServer, AppServer];
	const address = (app: AppServer) => `127.0.0.1:${new URL(app.url).port}`;

	const statsSocket = join(TMP, `haproxy-${port}.sock`);
	let haproxyOutput = '';
	const haproxy = spawn('haproxy', ['-db', '-f', 'deploy/haproxy.cfg'], {
		env: {
			PATH: process.env.PATH,
			LISTEN: `127.0.0.1:${port}`,
			APP1: address(apps[0]),
			APP2: address(apps[1]),
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
	return {
		url,
		apps,
		databaseUrl: DATABASE_URL,
		redisUrl: redis.url,
		servers: (backend) => servers(statsSocket, backend),
		shared
	};
}

/** One query on the shared PostgreSQL, as any instance would read it. */
export async function queryStore<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
	const client = new pg.Client({ connectionString: url });
	await client.connect();
	try {
		return (await client.query(sql, params)).rows as T[];
	} finally {
		await client.end();
	}
}

/** The question list as PostgreSQL holds it (snapshot and log), as any instance would load it. */
export async function storedTexts(url: string, conversationId: string): Promise<string[]> {
	const name = `questions-${conversationId}`;
	const doc = new Y.Doc();
	const snapshots = await queryStore<{ state: Uint8Array }>(
		url,
		'select state from yjs_snapshots where doc_name = $1',
		[name]
	);
	for (const row of snapshots) Y.applyUpdate(doc, row.state);
	const updates = await queryStore<{ update_data: Uint8Array }>(
		url,
		'select update_data from yjs_updates where doc_name = $1 order by id',
		[name]
	);
	for (const row of updates) Y.applyUpdate(doc, row.update_data);
	return readList(doc)
		.questions.map((q) => q.text)
		.sort();
}
