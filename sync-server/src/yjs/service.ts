import type { Clock } from '../clock.ts';
import type { Env } from '../env.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { authorizeDocs } from './authorize.ts';
import { DEFAULT_YJS_LIMITS, type YjsLimits } from './limits.ts';
import { workerPersistence, type DocPersistence } from './persistence.ts';
import { createDocRegistry } from './registry.ts';
import { createYjsSocketServer, type Authorize } from './ws-server.ts';
import { CLOSE } from '../../../src/lib/contracts/questions.ts';

/** /yjs/:doc wired together: SQLite persistence, the registry, the socket server, the access rule. */
export function createYjsService({
	env,
	store,
	clock,
	log,
	limits = DEFAULT_YJS_LIMITS,
	persistence = workerPersistence({ store, dataDir: env.dataDir }),
	authorize = authorizeDocs({ env, store, clock })
}: {
	env: Env;
	store: Store;
	clock: Clock;
	log: Logger;
	limits?: YjsLimits;
	persistence?: DocPersistence;
	authorize?: Authorize;
}) {
	const sockets: { closeRoom?: (name: string, code: number, reason: string) => void } = {};
	const registry = createDocRegistry({
		persistence,
		limits,
		log,
		onFailure: (room) =>
			sockets.closeRoom?.(room.name, CLOSE.restarting, 'could not store an update: reconnect')
	});
	const server = createYjsSocketServer({ registry, authorize, limits, log });
	sockets.closeRoom = server.closeRoom;
	return {
		handleUpgrade: server.handleUpgrade,
		/** Stores every document, then stops the log writer. */
		async close() {
			await server.close();
			await persistence.close?.();
		},
		registry,
		server
	};
}

export type YjsService = ReturnType<typeof createYjsService>;
