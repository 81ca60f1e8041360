import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, webcrypto } from 'node:crypto';
import type { SealedItem } from '../../../src/lib/contracts/kiosk.ts';

const { subtle } = webcrypto;
const RSA = { name: 'RSA-OAEP', hash: 'SHA-256' } as const;
export const SEALING_KEY_FILE = 'kiosk-sealing-key.json';

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
 * The server's RSA-OAEP key pair for kiosk queues (issue #7), made on first use and kept in DATA_DIR
 * (mode 600) so items sealed before a restart can still be opened after it.
 */
export async function loadSealer(dataDir: string): Promise<Sealer> {
	const file = join(dataDir, SEALING_KEY_FILE);
	let privateJwk: webcrypto.JsonWebKey;
	if (existsSync(file)) {
		privateJwk = JSON.parse(readFileSync(file, 'utf8')) as webcrypto.JsonWebKey;
	} else {
		const pair = await subtle.generateKey(
			{ ...RSA, modulusLength: 3072, publicExponent: new Uint8Array([1, 0, 1]) },
			true,
			['wrapKey', 'unwrapKey']
		);
		privateJwk = await subtle.exportKey('jwk', pair.privateKey);
		writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600, flag: 'wx' });
	}
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
