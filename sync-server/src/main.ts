import { EnvError, loadEnv } from './env.ts';
import { createLogger } from './log.ts';
import { isLoopbackHost } from './http/loopback.ts';
import { startServer } from './server.ts';

/**
 * Node entry (`npm run serve`, and imported by scripts/start.mjs): importing this module starts the
 * server. Tests and benches import `startServer` from ./server.ts instead.
 */
export { startServer } from './server.ts';

const log = createLogger();

async function main() {
	const env = loadEnv();
	if (!env.production && !isLoopbackHost(env.host)) {
		log.warn(
			`Running in ${env.nodeEnv} mode on HOST=${env.host}: other machines can reach this server. ` +
				'Development conveniences stay on this machine (the dev mailbox answers only loopback), but for a ' +
				'real program set NODE_ENV=production, PUBLIC_URL and SMTP_URL (README, "Running in production"), ' +
				'or HOST=127.0.0.1 to keep it to this machine.'
		);
	}
	const server = await startServer({ env, log });
	log.info(`Common Ground ${env.appVersion} listening on ${server.url} (public URL ${server.env.publicUrl})`);
	if (env.devMailbox) log.info(`Dev mailbox (this machine only): ${server.env.publicUrl}/dev/mailbox`);
	const s3 = env.objectStorage;
	if (s3) log.info(`Confirmed audio in the bucket ${s3.bucket} at ${s3.endpoint ?? `AWS (${s3.region})`}`);

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
