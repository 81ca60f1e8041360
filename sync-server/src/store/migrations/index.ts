import { Migrator, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { foundation } from './0001_foundation.ts';
import { conversations } from './0002_conversations.ts';
import { matching } from './0003_matching.ts';
import { questionDocs } from './0004_question_docs.ts';
import { afterConversation } from './0006_after_conversation.ts';
import { kiosks } from './0007_kiosks.ts';

/** In code rather than read from a folder, so the server needs no file layout at runtime. Names sort in order. */
export const migrations: Record<string, Migration> = {
	'0001_foundation': foundation,
	'0002_conversations': conversations,
	'0003_matching': matching,
	'0004_question_docs': questionDocs,
	'0006_after_conversation': afterConversation,
	'0007_kiosks': kiosks
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Kysely<unknown>): Promise<string[]> {
	// Features arrive on branches with numbers reserved in advance, so one may land after a higher one.
	const migrator = new Migrator({ db, provider, allowUnorderedMigrations: true });
	const { error, results = [] } = await migrator.migrateToLatest();
	if (error) {
		const failed = results.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
		throw new Error(`Database migration ${failed} failed`, { cause: error });
	}
	return results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
