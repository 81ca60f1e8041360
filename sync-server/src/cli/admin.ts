import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as v from 'valibot';
import { EmailLinkRequest } from '../../../src/lib/contracts/auth.ts';
import { issueSignInLink } from '../auth/sessions.ts';
import { EnvError, loadEnv, type Env } from '../env.ts';
import { describeDuration } from '../mail/templates.ts';
import { dataDirSealingKey, generateSealingKey, SEALING_KEY_FILE } from '../kiosk/sealing.ts';
import { createLogger } from '../log.ts';
import { openStoreFor } from '../store/open.ts';
import { ensureCoordinator } from './coordinator.ts';

export const USAGE = `Usage: npm run admin -- create-coordinator EMAIL [--name FIRST_NAME]
       npm run admin -- sealing-key [--from-data-dir]

Commands:
  create-coordinator EMAIL   Create a coordinator (or reuse the one with this address)
                             and print a single-use sign-in link.
  sealing-key                Print a fresh kiosk sealing key (a private JWK) for
                             KIOSK_SEALING_KEY, to give every instance the same one.

Options:
  --name FIRST_NAME          The coordinator's first name (default: "Coordinator").
  --from-data-dir            With sealing-key: print the key this instance made in
                             DATA_DIR instead, so kiosks enrolled here keep working.
  -h, --help                 Show this help.`;

interface Io {
	stdout: (line: string) => void;
	stderr: (line: string) => void;
}

/** Returns the exit code: 0 done, 1 refused, 2 bad arguments. */
export async function runAdmin(argv: string[], { env, io }: { env: Env; io: Io }): Promise<number> {
	let parsed;
	try {
		parsed = parseArgs({
			args: argv,
			allowPositionals: true,
			options: {
				name: { type: 'string' },
				'from-data-dir': { type: 'boolean' },
				help: { type: 'boolean', short: 'h' }
			}
		});
	} catch (error) {
		io.stderr(`${(error as Error).message}\n\n${USAGE}`);
		return 2;
	}
	const [command, rawEmail, ...extra] = parsed.positionals;
	if (parsed.values.help) {
		io.stdout(USAGE);
		return 0;
	}
	if (command === 'sealing-key' && !rawEmail)
		return printSealingKey({ env, io, fromDataDir: parsed.values['from-data-dir'] === true });
	const known = command === 'create-coordinator' || command === 'sealing-key';
	if (command !== 'create-coordinator' || !rawEmail || extra.length > 0) {
		io.stderr(command && !known ? `Unknown command "${command}".\n\n${USAGE}` : USAGE);
		return 2;
	}
	const email = v.safeParse(EmailLinkRequest.entries.email, rawEmail);
	if (!email.success) {
		io.stderr(`"${rawEmail}" is not an email address.\n\n${USAGE}`);
		return 2;
	}
	const firstName = parsed.values.name?.trim() || 'Coordinator';

	// DATABASE_URL set: the coordinator lands in the PostgreSQL every instance reads (issue #17).
	const store = await openStoreFor(env, { log: createLogger({ stream: process.stderr }) });
	try {
		const ttlMinutes = env.signInLinkTtlMinutes;
		const outcome = await store.transaction(async (repos) => {
			const now = new Date();
			const ensured = await ensureCoordinator(repos, { email: email.output, firstName, now });
			if (!ensured.ok) return ensured;
			const link = await issueSignInLink(repos, {
				userId: ensured.user.id,
				now,
				ttlMinutes,
				publicUrl: env.publicUrl
			});
			return { ...ensured, link };
		});
		if (!outcome.ok) {
			io.stderr(outcome.message);
			return 1;
		}
		io.stdout(
			`${outcome.created ? 'Created' : 'Found'} coordinator ${outcome.user.firstName} <${email.output}>.\n` +
				`Sign-in link (works once, for ${describeDuration(ttlMinutes)}):\n  ${outcome.link}`
		);
		return 0;
	} finally {
		await store.close();
	}
}

/**
 * `sealing-key` (issue #17): the private JWK on stdout, alone, so it can go straight into a secret
 * manager; where to put it on stderr. With --from-data-dir, the key this instance made on first use.
 */
async function printSealingKey({ env, io, fromDataDir }: { env: Env; io: Io; fromDataDir: boolean }) {
	const key = fromDataDir ? dataDirSealingKey(env.dataDir) : await generateSealingKey();
	if (!key) {
		io.stderr(
			`There is no kiosk sealing key in ${join(env.dataDir, SEALING_KEY_FILE)}: no kiosk has used this ` +
				'DATA_DIR yet. Check DATA_DIR, or make a fresh key with `npm run admin -- sealing-key`.'
		);
		return 1;
	}
	io.stdout(JSON.stringify(key));
	io.stderr(
		"Above is the kiosk sealing key's private half: give it to every instance as KIOSK_SEALING_KEY, " +
			'through your secret manager, and keep it out of files, logs and the repository.'
	);
	return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
	const io: Io = {
		stdout: (line) => process.stdout.write(`${line}\n`),
		stderr: (line) => process.stderr.write(`${line}\n`)
	};
	try {
		process.exitCode = await runAdmin(process.argv.slice(2), { env: loadEnv(), io });
	} catch (error) {
		io.stderr(
			error instanceof EnvError ? error.message : `The admin command failed: ${(error as Error).message}`
		);
		process.exitCode = 1;
	}
}
