import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	constants,
	createHash,
	createPrivateKey,
	createPublicKey,
	privateDecrypt,
	publicEncrypt,
	randomBytes,
	webcrypto,
	type JsonWebKey as KeyObjectJwk
} from 'node:crypto';
import * as v from 'valibot';
import type { SealedItem } from '../../../src/lib/contracts/kiosk.ts';
import type { Env } from '../env.ts';

const { subtle } = webcrypto;
const RSA = { name: 'RSA-OAEP', hash: 'SHA-256' } as const;
export const SEALING_KEY_FILE = 'kiosk-sealing-key.json';

const KEY_PROBLEM =
	'KIOSK_SEALING_KEY must be the private half of an RSA-OAEP-256 key of at least 2048 bits, as a JWK ' +
	'(JSON), as `npm run admin -- sealing-key` prints it.';

const part = v.pipe(v.string(), v.regex(/^[\w-]+$/));
const PrivateRsaJwk = v.looseObject({
	kty: v.literal('RSA'),
	alg: v.optional(v.literal('RSA-OAEP-256')),
	key_ops: v.optional(
		v.pipe(
			v.array(v.string()),
			v.check((ops) => ops.includes('unwrapKey'))
		)
	),
	n: part,
	e: part,
	d: part,
	p: part,
	q: part,
	dp: part,
	dq: part,
	qi: part
});

/**
 * The private JWK that KIOSK_SEALING_KEY holds (issue #17): RSA-OAEP with SHA-256, at least 2048
 * bits, one that imports. One sentence for every fault: valibot's own messages would quote the
 * secret they received.
 */
export const SealingJwk = v.pipe(
	v.unknown(),
	v.check((jwk) => v.is(PrivateRsaJwk, jwk) && importable(jwk as webcrypto.JsonWebKey), KEY_PROBLEM),
	v.transform((jwk) => jwk as webcrypto.JsonWebKey)
);

/** KIOSK_SEALING_KEY's text, parsed and checked. */
export const SealingKeyText = v.pipe(v.string(), v.parseJson(undefined, KEY_PROBLEM), SealingJwk);

/** It imports, has 2048 bits or more, and its halves match: what its public half seals, it opens. */
function importable(jwk: webcrypto.JsonWebKey): boolean {
	try {
		const key = createPrivateKey({ key: jwk as KeyObjectJwk, format: 'jwk' });
		if (key.type !== 'private' || (key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) return false;
		const oaep = { padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' };
		const probe = randomBytes(32);
		const sealed = publicEncrypt({ key: createPublicKey(key), ...oaep }, probe);
		return privateDecrypt({ key, ...oaep }, sealed).equals(probe);
	} catch {
		return false;
	}
}

/** A fresh key pair's private half (3,072 bits: `npm run admin -- sealing-key`, and a first start). */
export async function generateSealingKey(modulusLength = 3072): Promise<webcrypto.JsonWebKey> {
	const pair = await subtle.generateKey(
		{ ...RSA, modulusLength, publicExponent: new Uint8Array([1, 0, 1]) },
		true,
		['wrapKey', 'unwrapKey']
	);
	return subtle.exportKey('jwk', pair.privateKey);
}

/** The key a single instance made in DATA_DIR on first use, if there is one. */
export function dataDirSealingKey(dataDir: string): webcrypto.JsonWebKey | undefined {
	const file = join(dataDir, SEALING_KEY_FILE);
	return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as webcrypto.JsonWebKey) : undefined;
}

/**
 * Why this configuration can't start, or undefined (issue #17): with DATABASE_URL several instances
 * may serve one program, and each would make its own key, so a kiosk enrolled through one could not be
 * read by the others.
 */
export function sealingKeyRefusal(env: Pick<Env, 'databaseUrl' | 'kioskSealingKey'>): string | undefined {
	if (!env.databaseUrl || env.kioskSealingKey) return undefined;
	return (
		'DATABASE_URL is set, so several instances may serve this program, but KIOSK_SEALING_KEY is not: ' +
		'each instance would make its own kiosk sealing key, and what a kiosk enrolled through one seals, ' +
		'the others could not open. Make one with `npm run admin -- sealing-key` (or keep the key this ' +
		'instance already made with `npm run admin -- sealing-key --from-data-dir`), and give every ' +
		'instance the same KIOSK_SEALING_KEY.'
	);
}

export interface Sealer {
	/** The public half as a JWK, for kiosks to wrap their per-item keys with. */
	publicJwk: webcrypto.JsonWebKey;
	/** Opens an item a kiosk sealed; throws if it was not sealed for this server or was altered. */
	open(item: SealedItem): Promise<string>;
	/** Unwraps an item's AES-GCM key, to open the chunks sealed under it (a recording's audio). */
	unwrap(wrappedKey: string): Promise<webcrypto.CryptoKey>;
	/** For signing visitor grants; derived from the private key, so it lives and dies with it. */
	grantSecret: Buffer;
}

/** Opens one AES-GCM part: `label` must be the additional data it was sealed with. */
export async function openPart(
	key: webcrypto.CryptoKey,
	{ iv, ciphertext, label }: { iv: Uint8Array; ciphertext: Uint8Array; label: string }
): Promise<Uint8Array> {
	const plain = await subtle.decrypt(
		{ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(label) },
		key,
		ciphertext
	);
	return new Uint8Array(plain);
}

/**
 * The server's RSA-OAEP key pair for kiosk queues (issue #7): KIOSK_SEALING_KEY when set, the same
 * for every instance (issue #17); otherwise made on first use and kept in DATA_DIR (mode 600) so
 * items sealed before a restart can still be opened after it.
 */
export async function loadSealer(
	env: Pick<Env, 'dataDir' | 'databaseUrl' | 'kioskSealingKey'>
): Promise<Sealer> {
	const refusal = sealingKeyRefusal(env);
	if (refusal) throw new Error(refusal);
	const privateJwk = env.kioskSealingKey ?? (await keptInDataDir(env.dataDir));
	const privateKey = await subtle.importKey('jwk', privateJwk, RSA, false, ['unwrapKey']);
	const { kty, n, e } = privateJwk;
	const publicJwk = { kty, n, e, alg: 'RSA-OAEP-256', ext: true, key_ops: ['wrapKey'] };

	const unwrap = (wrappedKey: string) =>
		subtle.unwrapKey('raw', Buffer.from(wrappedKey, 'base64'), privateKey, RSA, { name: 'AES-GCM' }, false, [
			'decrypt'
		]);
	return {
		publicJwk,
		unwrap,
		grantSecret: createHash('sha256')
			.update(`kiosk-visitor-grant:${privateJwk.d ?? ''}`)
			.digest(),
		async open(item) {
			const plain = await openPart(await unwrap(item.wrappedKey), {
				iv: Buffer.from(item.iv, 'base64'),
				ciphertext: Buffer.from(item.ciphertext, 'base64'),
				label: item.id
			});
			return new TextDecoder().decode(plain);
		}
	};
}

async function keptInDataDir(dataDir: string): Promise<webcrypto.JsonWebKey> {
	const kept = dataDirSealingKey(dataDir);
	if (kept) return kept;
	const made = await generateSealingKey();
	writeFileSync(join(dataDir, SEALING_KEY_FILE), JSON.stringify(made), { mode: 0o600, flag: 'wx' });
	return made;
}
