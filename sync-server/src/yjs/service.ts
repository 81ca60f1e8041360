import type { Clock } from '../clock.ts';
import type { Env } from '../env.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { authorizeDocs } from './authorize.ts';
import { DEFAULT_YJS_LIMITS, type YjsLimits } from './limits.ts';
import { persistenceFor, type DocPersistence } from './persistence.ts';
import { createDocRegistry } from './registry.ts';
import type { DocRelay } from './relay.ts';
import { createYjsSocketServer, type Authorize } from './ws-server.ts';
import { CLOSE } from '../../../src/lib/contracts/questions.ts';

/** /yjs/:doc wired together: the store's persistence, the registry, the socket server, the access rule. */
export function createYjsService({
	env,
	store,
	clock,
	log,
	limits = DEFAULT_YJS_LIMITS,
	persistence = persistenceFor({ store, dataDir: env.dataDir }),
	authorize = authorizeDocs({ env, store, clock }),
	relay,
	onStored
}: {
	env: Env;
	store: Store;
	clock: Clock;
	log: Logger;
	limits?: YjsLimits;
	persistence?: DocPersistence;
	authorize?: Authorize;
	/** Shares the documents with other instances (REDIS_URL, issue #17); unset: one instance. */
	relay?: DocRelay;
	/** Told after an update of a document is on disk (for the push channel: the pages showing it look again). */
	onStored?: (docName: string) => void;
}) {
	const stored: DocPersistence = onStored
		? {
				load: (name) => persistence.load(name),
				heads: (names) => persistence.heads(names),
				compact: (name, state, throughId) => persistence.compact(name, state, throughId),
				close: persistence.close && (() => persistence.close!()),
				async append(docName, update) {
					const id = await persistence.append(docName, update);
					onStored(docName);
					return id;
				}
			}
		: persistence;
	const sockets: { closeRoom?: (name: string, code: number, reason: string) => void } = {};
	const registry = createDocRegistry({
		persistence: stored,
		limits,
		log,
		relay,
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
