import type { Env } from '../env.ts';
import type { Logger } from '../log.ts';
import { openPostgresStore } from './postgres.ts';
import { openStore, type OpenStoreOptions } from './sqlite.ts';
import type { Store } from './types.ts';

/**
 * The one place that turns configuration into a store: PostgreSQL when DATABASE_URL is set, else
 * SQLite in DATA_DIR, exactly as before. The server, the CLIs and the benches open it this way.
 */
export function openStoreFor(
	env: Pick<Env, 'dataDir' | 'databaseUrl'>,
	{ log, synchronous }: { log: Logger; synchronous?: OpenStoreOptions['synchronous'] }
): Promise<Store> {
	if (env.databaseUrl) return openPostgresStore({ url: env.databaseUrl, log });
	return openStore({ dataDir: env.dataDir, synchronous });
}
