import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { foundation } from './0001_foundation.ts';
import { conversations } from './0002_conversations.ts';
import { matching } from './0003_matching.ts';
import { questionDocs } from './0004_question_docs.ts';
import { afterConversation } from './0006_after_conversation.ts';
import { kiosks } from './0007_kiosks.ts';
import { jobs } from './0008_jobs.ts';
import { schemaDialect, type Engine } from './dialect.ts';

/**
 * In code rather than read from a folder, so the server needs no file layout at runtime. Names sort
 * in order. Built for the engine the configuration chose (DATABASE_URL), never by sniffing.
 */
export function migrationsFor(engine: Engine): Record<string, Migration> {
	const d = schemaDialect(engine);
	return {
		'0001_foundation': foundation(d),
		'0002_conversations': conversations,
		'0003_matching': matching(d),
		'0004_question_docs': questionDocs(d),
		'0006_after_conversation': afterConversation(d),
		'0007_kiosks': kiosks,
		'0008_jobs': jobs
	};
}

/**
 * On PostgreSQL the Migrator takes an advisory lock and runs every pending migration in one
 * transaction, so instances starting at once apply them once; on SQLite the file's lock does it.
 */
export async function migrateToLatest(db: Kysely<unknown>, engine: Engine): Promise<string[]> {
	const provider: MigrationProvider = { getMigrations: async () => migrationsFor(engine) };
	// Features arrive on branches with numbers reserved in advance, so one may land after a higher one.
	const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
	const { error, results = [] } = await migrator.migrateToLatest();
	if (error) {
		const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
		throw new Error(`Database migration ${failed} failed`, { cause: error });
	}
	return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
