import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { seal } from '../../../src/lib/kiosk/seal.ts';
import { EnvError, loadEnv } from '../env.ts';
import { tempDir } from '../test/harness.ts';
import { testSealingKey } from '../test/sealing-key.ts';
import { loadSealer, SEALING_KEY_FILE } from './sealing.ts';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const fresh = () => {
	const dir = tempDir('cg-seal-');
	dirs.push(dir);
	return dir;
};
/** One instance with no KIOSK_SEALING_KEY and no DATABASE_URL: the key lives in its DATA_DIR. */
const alone = (dataDir: string) => ({ dataDir, databaseUrl: undefined, kioskSealingKey: undefined });

// RSA-3072 key generation takes seconds on a busy machine.
describe('kiosk sealing', { timeout: 60_000 }, () => {
	it('what a kiosk seals, only the server opens, and after a restart too', async () => {
		const dataDir = fresh();
		const sealer = await loadSealer(alone(dataDir));
		expect(statSync(join(dataDir, SEALING_KEY_FILE)).mode & 0o777).toBe(0o600);
		expect(sealer.publicJwk).not.toHaveProperty('d');

		const id = crypto.randomUUID();
		const item = await seal({ id, plain: '{"secret":"Rosa Tester"}', serverPublicJwk: sealer.publicJwk });
		expect(atob(item.ciphertext)).not.toContain('Rosa');
		const restarted = await loadSealer(alone(dataDir));
		expect(await restarted.open(item)).toBe('{"secret":"Rosa Tester"}');
	});

	it('another server cannot open it, and a changed or re-labelled item is refused', async () => {
		const sealer = await loadSealer(alone(fresh()));
		const other = await loadSealer(alone(fresh()));
		const item = await seal({ id: crypto.randomUUID(), plain: 'x', serverPublicJwk: sealer.publicJwk });
		await expect(other.open(item)).rejects.toThrow();
		await expect(sealer.open({ ...item, id: crypto.randomUUID() })).rejects.toThrow();
		const bytes = Uint8Array.from(atob(item.ciphertext), (ch) => ch.charCodeAt(0));
		bytes[0] = (bytes[0] ?? 0) ^ 1;
		await expect(sealer.open({ ...item, ciphertext: btoa(String.fromCharCode(...bytes)) })).rejects.toThrow();
	});
});

describe('KIOSK_SEALING_KEY (issue #17)', { timeout: 60_000 }, () => {
	let key: string;
	beforeAll(async () => {
		key = await testSealingKey();
	});

	it('gives every instance the same key: what one seals for, another opens, and grants agree', async () => {
		const [a, b] = [fresh(), fresh()].map((dir) => loadEnv({ DATA_DIR: dir, KIOSK_SEALING_KEY: key }));
		const one = await loadSealer(a!);
		const two = await loadSealer(b!);
		const item = await seal({ id: crypto.randomUUID(), plain: 'from A', serverPublicJwk: one.publicJwk });
		expect(await two.open(item)).toBe('from A');
		expect(two.publicJwk).toEqual(one.publicJwk);
		expect(two.grantSecret.equals(one.grantSecret)).toBe(true);
		// The key came from the environment: nothing was written to either DATA_DIR.
		expect(() => statSync(join(a!.dataDir, SEALING_KEY_FILE))).toThrow();
	});

	it('is refused unless it is an RSA-OAEP-256 private JWK of 2048 bits or more, never quoting it', async () => {
		const jwk = JSON.parse(key) as webcrypto.JsonWebKey;
		const { d: secret, ...publicHalf } = jwk;
		const short = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' });
		const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
		const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
		const malformed = [
			'not json',
			key.slice(0, -2),
			JSON.stringify(publicHalf),
			JSON.stringify({ ...jwk, alg: 'RSA-OAEP' }),
			JSON.stringify({ ...jwk, key_ops: ['decrypt'] }),
			// Halves that don't match: the public modulus of another key.
			JSON.stringify({ ...jwk, n: other.n }),
			JSON.stringify({ ...short, alg: 'RSA-OAEP-256' }),
			JSON.stringify(ec)
		];
		for (const value of malformed) {
			let problems: string[] = [];
			try {
				loadEnv({ KIOSK_SEALING_KEY: value });
			} catch (error) {
				problems = (error as EnvError).problems;
			}
			expect(problems, value.slice(0, 40)).toEqual([
				expect.stringMatching(
					/^KIOSK_SEALING_KEY: KIOSK_SEALING_KEY must be the private half of an RSA-OAEP-256 key of at least 2048 bits.*npm run admin -- sealing-key/
				)
			]);
			expect(problems.join('')).not.toContain((secret ?? '').slice(0, 16));
		}
	});

	it('unset, one instance keeps today’s key in DATA_DIR; with DATABASE_URL the app refuses to make one', async () => {
		expect(loadEnv({}).kioskSealingKey).toBeUndefined();
		const env = loadEnv({ DATA_DIR: fresh(), DATABASE_URL: 'postgres://cg@db.example.org/cg' });
		await expect(loadSealer(env)).rejects.toThrow(/KIOSK_SEALING_KEY is not/);
		expect(() => statSync(join(env.dataDir, SEALING_KEY_FILE))).toThrow();
	});
});
