import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { silentLogger } from '../log.ts';
import { migrationsFor } from '../store/migrations/index.ts';
import { openPostgresStore } from '../store/postgres.ts';

/**
 * A real PostgreSQL 15 for the tests (issue #17), reached as a role that is NOT a superuser and may
 * only create databases, as the app runs in production. Each test app gets a database of its own,
 * copied from a migrated template, so creating one costs a file copy instead of the migrations.
 *
 * - As root (CI, `bash .ci/run`): Debian's cluster (`pg_ctlcluster 15 main start`), and the role
 *   `cg_test` made through `runuser -u postgres -- psql`, with a random password kept in
 *   /var/lib/postgresql/cg-test-password (readable by root only).
 * - As anyone else: a throwaway cluster (initdb + pg_ctl) in a temporary folder, on 127.0.0.1 and a
 *   free port, removed at the end.
 * - TEST_POSTGRES_URL (a role with CREATEDB, e.g. postgres://me:pw@localhost/postgres) skips both.
 *
 * The server-pg project's globalSetup (postgres-setup.ts) calls startTestPostgres() once per run
 * and hands the workers TEST_POSTGRES_URL, TEST_POSTGRES_TEMPLATE and TEST_POSTGRES_RUN.
 */

const PG_BIN = '/usr/lib/postgresql/15/bin';
const ROLE = 'cg_test';
const PASSWORD_FILE = '/var/lib/postgresql/cg-test-password';
/** pg_advisory_lock keys, so test runs started at once don't build the same role or template twice. */
const SETUP_LOCK = 0x63677431;

export interface TestPostgres {
	/** The CREATEDB role on the `postgres` database. */
	adminUrl: string;
	template: string;
	stop(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
	const given = process.env.TEST_POSTGRES_URL;
	const server = given
		? { adminUrl: given, stop: async () => {} }
		: process.getuid?.() === 0
			? systemCluster()
			: throwawayCluster();
	try {
		return { ...server, template: await ensureTemplate(server.adminUrl) };
	} catch (error) {
		await server.stop();
		throw error;
	}
}

function systemCluster(): Omit<TestPostgres, 'template'> {
	if (!existsSync(join(PG_BIN, 'postgres'))) throw notInstalled();
	const status = () => execFileSync('pg_lsclusters', ['-h', '15', 'main'], { encoding: 'utf8' }).trim();
	if (!status().split(/\s+/).includes('online')) execFileSync('pg_ctlcluster', ['15', 'main', 'start']);
	const port = Number(status().split(/\s+/)[2]);
	const password = rolePassword();
	psqlAsPostgres(
		port,
		`select pg_advisory_lock(${SETUP_LOCK});
		 do $$ begin
		   if not exists (select from pg_roles where rolname = '${ROLE}') then
		     create role ${ROLE} login createdb nosuperuser password '${password}';
		   else
		     alter role ${ROLE} login createdb nosuperuser password '${password}';
		   end if;
		 end $$;
		 -- Tests never outlive a crash of PostgreSQL itself; waiting for each WAL flush only slows them.
		 alter role ${ROLE} set synchronous_commit = off;`
	);
	return { adminUrl: `postgres://${ROLE}:${password}@127.0.0.1:${port}/postgres`, stop: async () => {} };
}

/** Random once per machine, then the same for every run, so runs started at once agree on it. */
function rolePassword(): string {
	try {
		writeFileSync(PASSWORD_FILE, randomBytes(18).toString('hex'), { flag: 'wx', mode: 0o600 });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
	}
	return readFileSync(PASSWORD_FILE, 'utf8').trim();
}

function psqlAsPostgres(port: number, script: string) {
	execFileSync(
		'runuser',
		[
			'-u',
			'postgres',
			'--',
			'psql',
			'-X',
			'-q',
			'-v',
			'ON_ERROR_STOP=1',
			'-p',
			String(port),
			'-d',
			'postgres'
		],
		{ input: script, stdio: ['pipe', 'ignore', 'pipe'], cwd: '/' }
	);
}

function throwawayCluster(): Omit<TestPostgres, 'template'> {
	if (!existsSync(join(PG_BIN, 'initdb'))) throw notInstalled();
	const dir = mkdtempSync(join(tmpdir(), 'cg-pg-'));
	const data = join(dir, 'data');
	const superPassword = randomBytes(18).toString('hex');
	const password = randomBytes(18).toString('hex');
	writeFileSync(join(dir, 'pw'), superPassword, { mode: 0o600 });
	execFileSync(
		join(PG_BIN, 'initdb'),
		[
			'-D',
			data,
			'-U',
			'postgres',
			'--auth-local=scram-sha-256',
			'--auth-host=scram-sha-256',
			`--pwfile=${join(dir, 'pw')}`
		],
		{ stdio: 'ignore' }
	);
	const port = freePort();
	mkdirSync(join(dir, 'socket'));
	// A throwaway cluster: fsync off, since its files are deleted at the end anyway.
	const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${join(dir, 'socket')} -c fsync=off`;
	execFileSync(join(PG_BIN, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', 'start'], {
		stdio: 'ignore'
	});
	execFileSync(
		join(PG_BIN, 'psql'),
		[
			'-X',
			'-q',
			'-v',
			'ON_ERROR_STOP=1',
			'-h',
			'127.0.0.1',
			'-p',
			String(port),
			'-U',
			'postgres',
			'-d',
			'postgres'
		],
		{
			input: `create role ${ROLE} login createdb nosuperuser password '${password}';`,
			env: { ...process.env, PGPASSWORD: superPassword },
			stdio: ['pipe', 'ignore', 'pipe']
		}
	);
	return {
		adminUrl: `postgres://${ROLE}:${password}@127.0.0.1:${port}/postgres`,
		async stop() {
			execFileSync(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], { stdio: 'ignore' });
			rmSync(dir, { recursive: true, force: true });
		}
	};
}

function freePort(): number {
	// pg_ctl needs a number up front: ask the kernel for one, synchronously, through a child.
	return Number(
		execFileSync(process.execPath, [
			'-e',
			"const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
		]).toString()
	);
}

function notInstalled() {
	return new Error(
		'PostgreSQL 15 is not installed, and the server-pg tests need it. As root: bash scripts/system-deps.sh ' +
			'(or apt-get install postgresql). Or point TEST_POSTGRES_URL at a role that may create databases.'
	);
}

/** The migrated template, named by the migrations' own text, so a changed migration gets a new one. */
async function ensureTemplate(adminUrl: string): Promise<string> {
	const source = Object.entries(migrationsFor('postgres'))
		.map(([name, m]) => `${name}\n${m.up.toString()}`)
		.join('\n');
	const name = `cg_template_${createHash('sha256').update(source).digest('hex').slice(0, 16)}`;
	const admin = new pg.Client({ connectionString: adminUrl });
	await admin.connect();
	try {
		await admin.query('select pg_advisory_lock($1)', [SETUP_LOCK]);
		const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
		if (rowCount === 0) {
			const building = `${name}_building`;
			await admin.query(`drop database if exists "${building}" with (force)`);
			await admin.query(`create database "${building}"`);
			const store = await openPostgresStore({ url: databaseUrl(adminUrl, building), log: silentLogger });
			await store.close();
			await admin.query(`alter database "${building}" rename to "${name}"`);
		}
		return name;
	} finally {
		await admin.end();
	}
}

/** The same server and role, another database. */
export function databaseUrl(adminUrl: string, database: string): string {
	const url = new URL(adminUrl);
	url.pathname = `/${database}`;
	return url.toString();
}

// ——— In the test workers ———

function config() {
	const {
		TEST_POSTGRES_URL: adminUrl,
		TEST_POSTGRES_TEMPLATE: template,
		TEST_POSTGRES_RUN: run
	} = process.env;
	if (!adminUrl || !template || !run) {
		throw new Error(
			'No test PostgreSQL: run these tests through the server-pg project (npx vitest run --project server-pg), ' +
				'whose globalSetup starts one.'
		);
	}
	return { adminUrl, template, run };
}

let adminPool: pg.Pool | undefined;
const admin = () => (adminPool ??= new pg.Pool({ connectionString: config().adminUrl, max: 2 }));

/** Which database each DATA_DIR of this worker has: the same folder gets the same one back, as SQLite's file. */
const assigned = new Map<string, string>();
/** Databases whose DATA_DIR is gone, emptied for the next one: emptying takes milliseconds, a copy a second. */
const spare: string[] = [];
let made = 0;

/** The DATA_DIR's database (a recycled one, or a copy of the template); returns its URL. */
export async function testDatabaseFor(dataDir: string): Promise<string> {
	const { adminUrl, template, run } = config();
	let name = assigned.get(dataDir);
	if (!name) {
		name = spare.pop();
		if (!name) {
			name = `cg_t_${run}_${process.pid}_${++made}`;
			await createFrom(template, name);
		}
		assigned.set(dataDir, name);
	}
	return databaseUrl(adminUrl, name);
}

async function createFrom(template: string, name: string) {
	for (let attempt = 1; ; attempt++) {
		try {
			await admin().query(`create database "${name}" template "${template}"`);
			return;
		} catch (error) {
			// object_in_use: another worker's copy of the template is still starting; try again shortly.
			if ((error as { code?: string }).code !== '55006' || attempt === 20) throw error;
			await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
		}
	}
}

/**
 * The DATA_DIR is gone: its database is emptied and kept for the next one, unless something still
 * uses it (another instance over the same folder, as SQLite's file outlives its folder while open);
 * the run's teardown drops every database either way.
 */
export async function releaseTestDatabase(dataDir: string): Promise<void> {
	const name = assigned.get(dataDir);
	if (!name) return;
	assigned.delete(dataDir);
	const client = new pg.Client({ connectionString: databaseUrl(config().adminUrl, name) });
	await client.connect();
	try {
		// A closed pool's backends may take a moment to exit.
		for (let attempt = 0; (await othersConnected(client)) > 0; attempt++) {
			if (attempt === 10) return;
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		await client.query(await emptyingScript(client));
		spare.push(name);
	} finally {
		await client.end();
	}
}

async function othersConnected(client: pg.Client): Promise<number> {
	const { rows } = await client.query<{ n: number }>(
		'select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()'
	);
	return rows[0]?.n ?? 0;
}

let emptying: string | undefined;
/** Deletes every row, children before parents (newest table first), and restarts the identity columns. */
async function emptyingScript(client: pg.Client): Promise<string> {
	if (emptying) return emptying;
	const tables = await client.query<{ name: string }>(
		`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
		 where n.nspname = 'public' and c.relkind = 'r' and c.relname not like 'kysely_migration%'
		 order by c.oid desc`
	);
	const identities = await client.query<{ table_name: string; column_name: string }>(
		`select table_name, column_name from information_schema.columns
		 where table_schema = 'public' and is_identity = 'YES'`
	);
	emptying = [
		'begin;',
		...tables.rows.map((t) => `delete from "${t.name}";`),
		...identities.rows.map((c) => `alter table "${c.table_name}" alter column "${c.column_name}" restart;`),
		'commit;'
	].join('\n');
	return emptying;
}

/** A database of its own, empty (no template): for the tests of the migrations themselves. */
export async function createEmptyDatabase(label: string): Promise<{ url: string }> {
	const { adminUrl, run } = config();
	const name = `cg_t_${run}_${label}_${randomBytes(4).toString('hex')}`;
	await admin().query(`create database "${name}"`);
	return { url: databaseUrl(adminUrl, name) };
}

/**
 * Drops every database this run made (the globalSetup's teardown). At once, on several connections:
 * each DROP DATABASE waits for a checkpoint, and drops waiting together share one.
 */
export async function dropRunDatabases(adminUrl: string, run: string): Promise<number> {
	const pool = new pg.Pool({ connectionString: adminUrl, max: 8 });
	try {
		const { rows } = await pool.query<{ datname: string }>(
			'select datname from pg_database where datname like $1',
			[`cg\\_t\\_${run}\\_%`]
		);
		await Promise.all(
			rows.map(({ datname }) => pool.query(`drop database if exists "${datname}" with (force)`))
		);
		return rows.length;
	} finally {
		await pool.end();
	}
}
