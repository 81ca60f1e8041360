import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { seal } from '../../../src/lib/kiosk/seal.ts';
import { loadEnv } from '../env.ts';
import { loadSealer } from '../kiosk/sealing.ts';
import { tempDir } from '../test/harness.ts';
import { runAdmin } from './admin.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const fresh = () => {
	const dir = tempDir('cg-sealing-key-');
	dirs.push(dir);
	return dir;
};

async function admin(argv: string[], dataDir: string) {
	const out: string[] = [];
	const err: string[] = [];
	const code = await runAdmin(argv, {
		env: loadEnv({ DATA_DIR: dataDir }),
		io: { stdout: (l) => out.push(l), stderr: (l) => err.push(l) }
	});
	return { code, out, err };
}

/** The public half of a private JWK, as the server hands it to kiosks. */
const publicHalf = ({ kty, n, e }: JsonWebKey): JsonWebKey => ({ kty, n, e, alg: 'RSA-OAEP-256', ext: true });

// RSA-3072 key generation takes seconds on a busy machine.
describe('npm run admin -- sealing-key (issue #17)', { timeout: 60_000 }, () => {
	it('prints a fresh private JWK alone on stdout, and where it goes on stderr; the app opens what its public half sealed', async () => {
		const { code, out, err } = await admin(['sealing-key'], fresh());
		expect(code).toBe(0);
		expect(out).toHaveLength(1);
		expect(err).toEqual([expect.stringContaining('give it to every instance as KIOSK_SEALING_KEY')]);
		const jwk = JSON.parse(out[0] ?? '') as JsonWebKey;

		const item = await seal({ id: crypto.randomUUID(), plain: 'Rosa', serverPublicJwk: publicHalf(jwk) });
		const env = loadEnv({ DATA_DIR: fresh(), KIOSK_SEALING_KEY: out[0] });
		expect(await (await loadSealer(env)).open(item)).toBe('Rosa');
		// Fresh each time.
		expect((await admin(['sealing-key'], fresh())).out[0]).not.toBe(out[0]);
	});

	it('--from-data-dir prints the key one instance made, so kiosks enrolled there keep working on several', async () => {
		const dataDir = fresh();
		const single = await loadSealer({ dataDir, databaseUrl: undefined, kioskSealingKey: undefined });
		const item = await seal({ id: crypto.randomUUID(), plain: 'queued', serverPublicJwk: single.publicJwk });

		const { code, out } = await admin(['sealing-key', '--from-data-dir'], dataDir);
		expect(code).toBe(0);
		const env = loadEnv({
			DATA_DIR: fresh(),
			DATABASE_URL: 'postgres://cg@db.example.org/cg',
			KIOSK_SEALING_KEY: out[0]
		});
		const shared = await loadSealer(env);
		expect(await shared.open(item)).toBe('queued');
		expect(shared.grantSecret.equals(single.grantSecret)).toBe(true);
	});

	it('--from-data-dir on a DATA_DIR without a key says so and what to do', async () => {
		const { code, out, err } = await admin(['sealing-key', '--from-data-dir'], fresh());
		expect(code).toBe(1);
		expect(out).toEqual([]);
		expect(err.join('\n')).toMatch(/There is no kiosk sealing key in .*npm run admin -- sealing-key/);
	});
});
