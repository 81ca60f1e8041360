import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SignupMutationInput } from '../../../src/lib/contracts/mutations.ts';
import { normalizePersonalCode } from '../auth/personal-code.ts';
import { sha256 } from '../auth/tokens.ts';
import { signupMutation, uniqueEmail } from '../test/factories.ts';
import { tempDir } from '../test/harness.ts';
import { releaseTestDatabase, testDatabaseFor } from '../test/postgres.ts';
import { testSealingKey } from '../test/sealing-key.ts';
import { freePort } from '../test/free-port.ts';

/**
 * Issue #17, the fault test "kill -9 one instance during sign-ups": two server processes over one
 * PostgreSQL database, each sent sign-ups by several clients at once. Once the first instance has
 * acknowledged a number of them it is killed (SIGKILL), whatever it was doing. Then every
 * acknowledged sign-up is in the database exactly once, with the answer it was acknowledged with;
 * and each one the dead instance never answered is sent again to the other instance, as the
 * client's outbox does (the same mutation id and payload), and is then there exactly once too:
 * applied now, or, when the dead instance had committed it before dying, replayed.
 */

type Answer = { status: 'applied' | 'replayed'; result: { participantId: string; personalCode: string } };
type Sent = { mutation: SignupMutationInput; answer?: Answer; httpStatus?: number };

const SENDERS_PER_INSTANCE = 6;
/** The first instance dies once it has acknowledged this many. */
const ACKED_BEFORE_KILL = 40;
/** The survivor goes on until it has acknowledged this many after the kill. */
const ACKED_AFTER_KILL = 40;

const dataDir = tempDir('cg-signups-across-');
const instances: { url: string; child: ChildProcess; output: () => string; dir: string }[] = [];
let databaseUrl: string;
let db: pg.Client;
let communityId: string;

async function startInstance(env: Record<string, string>) {
	const port = await freePort();
	const dir = tempDir('cg-instance-');
	const url = `http://127.0.0.1:${port}`;
	const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
		env: {
			...process.env,
			...env,
			PORT: String(port),
			HOST: '127.0.0.1',
			DATA_DIR: dir,
			STATIC_DIR: join(dir, 'no-build'),
			NODE_ENV: 'test'
		},
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let output = '';
	child.stdout?.on('data', (d: Buffer) => (output += d));
	child.stderr?.on('data', (d: Buffer) => (output += d));
	process.once('exit', () => child.kill('SIGKILL'));
	for (let i = 0; ; i++) {
		if (child.exitCode !== null) throw new Error(`An instance exited at start:\n${output}`);
		const ok = await fetch(`${url}/api/health`).then(
			(res) => res.ok,
			() => false
		);
		if (ok) break;
		if (i === 600) throw new Error(`An instance never became healthy:\n${output}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	instances.push({ url, child, output: () => output, dir });
	return url;
}

async function send(url: string, mutation: SignupMutationInput): Promise<Sent> {
	try {
		const res = await fetch(`${url}/api/mutations`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(mutation)
		});
		if (res.status !== 201 && res.status !== 200) return { mutation, httpStatus: res.status };
		return { mutation, answer: (await res.json()) as Answer, httpStatus: res.status };
	} catch {
		// The connection was refused or cut: the instance is gone. Not acknowledged.
		return { mutation };
	}
}

/** What the database holds for a sign-up's address, and whether its mutation id was recorded. */
async function stored(mutation: SignupMutationInput) {
	const users = await db.query<{ id: string; personal_code_hash: string }>(
		'select id, personal_code_hash from users where email = $1',
		[mutation.payload.email.toLowerCase()]
	);
	const participants = await db.query(
		'select p.user_id from participants p join users u on u.id = p.user_id where u.email = $1',
		[mutation.payload.email.toLowerCase()]
	);
	const mutations = await db.query('select 1 from mutations where id_hash = $1', [sha256(mutation.id)]);
	return { users: users.rows, participants: participants.rowCount, mutations: mutations.rowCount };
}

function expectStoredAs(found: Awaited<ReturnType<typeof stored>>, answer: Answer) {
	expect(found.users).toHaveLength(1);
	expect(found.participants).toBe(1);
	expect(found.mutations).toBe(1);
	expect(found.users[0]?.id).toBe(answer.result.participantId);
	const code = answer.result.personalCode;
	expect(found.users[0]?.personal_code_hash).toBe(sha256(normalizePersonalCode(code) ?? code));
}

async function untilNoTransactionsButOurs() {
	for (;;) {
		const open = await db.query<{ n: number }>(
			`select count(*)::int as n from pg_stat_activity
			 where datname = current_database() and pid <> pg_backend_pid() and xact_start is not null`
		);
		if (open.rows[0]?.n === 0) return;
		await new Promise((resolve) => setTimeout(resolve, 50));
	}
}

beforeAll(async () => {
	databaseUrl = await testDatabaseFor(dataDir);
	const shared = { DATABASE_URL: databaseUrl, KIOSK_SEALING_KEY: await testSealingKey() };
	// One at a time: both migrating one empty database at once is the PostgreSQL store's own test.
	await startInstance(shared);
	await startInstance(shared);
	db = new pg.Client({ connectionString: databaseUrl });
	await db.connect();
	const communities = await db.query<{ id: string }>('select id from communities');
	communityId = communities.rows[0]?.id ?? '';
}, 180_000);

afterAll(async () => {
	for (const { child, dir } of instances) {
		child.kill('SIGKILL');
		rmSync(dir, { recursive: true, force: true });
	}
	await db?.end();
	await releaseTestDatabase(dataDir);
	rmSync(dataDir, { recursive: true, force: true });
});

it('keeps every acknowledged sign-up exactly once when an instance is killed, and takes the rest again without a duplicate', async () => {
	const [doomed, survivor] = instances as [(typeof instances)[0], (typeof instances)[0]];
	const sent = new Map<typeof doomed, Sent[]>([
		[doomed, []],
		[survivor, []]
	]);
	const acked = (instance: typeof doomed) => sent.get(instance)!.filter((s) => s.answer);
	let killed: Promise<unknown> | undefined;
	const kill = () => {
		const exited = new Promise((resolve) => doomed.child.once('exit', resolve));
		doomed.child.kill('SIGKILL');
		return exited;
	};

	// Each client sends one sign-up after another; a client of the doomed instance stops at its
	// first unanswered one, as a device whose server went away waits to send again.
	const client = async (instance: typeof doomed, goal: () => boolean) => {
		while (!goal()) {
			const mutation = signupMutation({ communityId, email: uniqueEmail('signup') });
			const outcome = await send(instance.url, mutation);
			sent.get(instance)!.push(outcome);
			if (instance === doomed && outcome.answer && acked(doomed).length === ACKED_BEFORE_KILL)
				killed ??= kill();
			if (!outcome.answer) {
				if (instance === doomed) return;
				throw new Error(
					`The surviving instance refused a sign-up (${outcome.httpStatus}):\n${survivor.output()}`
				);
			}
		}
	};
	let survivorAckedAtKill: number | undefined;
	const survivorDone = () => {
		if (!killed) return false;
		survivorAckedAtKill ??= acked(survivor).length;
		return acked(survivor).length >= survivorAckedAtKill + ACKED_AFTER_KILL;
	};
	await Promise.all([
		...Array.from({ length: SENDERS_PER_INSTANCE }, () => client(doomed, () => false)),
		...Array.from({ length: SENDERS_PER_INSTANCE }, () => client(survivor, survivorDone))
	]);
	await killed;
	expect(doomed.child.signalCode).toBe('SIGKILL');

	const all = [...sent.get(doomed)!, ...sent.get(survivor)!];
	const acknowledged = all.filter((s) => s.answer);
	const unanswered = all.filter((s) => !s.answer);
	expect(acked(doomed).length).toBeGreaterThanOrEqual(ACKED_BEFORE_KILL);
	// Every client of the dead instance ended on one it never answered.
	expect(unanswered).toHaveLength(SENDERS_PER_INSTANCE);

	// 1. Every acknowledged sign-up is in the database exactly once, as it was answered.
	for (const { mutation, answer } of acknowledged) {
		expect(answer?.status).toBe('applied');
		expectStoredAs(await stored(mutation), answer!);
	}

	// 2. The unanswered ones, sent again to the survivor with the same id and payload. First, the dead
	// instance's transactions are over: PostgreSQL ends each once it sees the connection gone (one
	// whose COMMIT had arrived commits, any other rolls back).
	await untilNoTransactionsButOurs();
	for (const { mutation } of unanswered) {
		const before = await stored(mutation);
		const again = await send(survivor.url, mutation);
		expect(again.answer, `the retry of ${mutation.id}: HTTP ${again.httpStatus}`).toBeDefined();
		// Replayed only if the dead instance had committed it; applied now if it had not.
		expect(again.answer?.status).toBe(before.mutations === 1 ? 'replayed' : 'applied');
		expectStoredAs(await stored(mutation), again.answer!);
	}

	// 3. An acknowledged one sent again, to the other instance, is a replay of the same answer.
	const first = acked(doomed)[0]!;
	const replay = await send(survivor.url, first.mutation);
	expect(replay.answer?.status).toBe('replayed');
	expect(replay.answer?.result).toEqual(first.answer?.result);
	expectStoredAs(await stored(first.mutation), first.answer!);

	// Nothing else was written: one user per address sent, and no more.
	const total = await db.query<{ n: number }>(
		"select count(*)::int as n from users where role = 'participant'"
	);
	expect(total.rows[0]?.n).toBe(all.length);
}, 300_000);
