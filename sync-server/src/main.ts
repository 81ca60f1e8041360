import { EnvError, loadEnv } from './env.ts';
import { createLogger } from './log.ts';
import { startServer } from './server.ts';

/**
 * Node entry (`npm run serve`, and imported by scripts/start.mjs): importing this module starts the
 * server. Tests and benches import `startServer` from ./server.ts instead.
 */
export { startServer } from './server.ts';

const log = createLogger();

async function main() {
	const env = loadEnv();
	const server = await startServer({ env, log });
	log.info(`Common Ground ${env.appVersion} listening on ${server.url} (public URL ${server.env.publicUrl})`);
	if (!env.production) log.info(`Dev mailbox: ${server.env.publicUrl}/dev/mailbox`);

	let stopping = false;
	const shutdown = (signal: NodeJS.Signals) => {
		if (stopping) {
			log.warn(`${signal} again: exiting without waiting`);
			process.exit(1);
		}
		stopping = true;
		log.info(`${signal}: finishing requests in flight, then closing the database`);
		server.close().then(
			() => process.exit(0),
			(error: unknown) => {
				log.error('shutdown failed', { error });
				process.exit(1);
			}
		);
	};
	process.on('SIGINT', shutdown);
	process.on('SIGTERM', shutdown);
}

try {
	await main();
} catch (error) {
	if (error instanceof EnvError) {
		process.stderr.write(`${error.message}\n`);
	} else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
		process.stderr.write('The port is already in use. Stop the other server, or set PORT to a free port.\n');
	} else {
		log.error('the server could not start', { error });
	}
	process.exit(1);
}
