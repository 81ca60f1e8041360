import type { SealedItem } from '../contracts/kiosk';

const RSA = { name: 'RSA-OAEP', hash: 'SHA-256' } as const;

export function toBase64(bytes: ArrayBuffer | Uint8Array): string {
	const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
	let binary = '';
	for (let i = 0; i < view.length; i += 0x8000)
		binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
	return btoa(binary);
}

/** A fresh AES-256-GCM key for one item, and that key wrapped for the server (RSA-OAEP). */
export type SealingKey = { key: CryptoKey; wrappedKey: string };

export async function newSealingKey({
	serverPublicJwk,
	subtle = crypto.subtle
}: {
	serverPublicJwk: JsonWebKey;
	subtle?: SubtleCrypto;
}): Promise<SealingKey> {
	const serverKey = await subtle.importKey('jwk', serverPublicJwk, RSA, false, ['wrapKey']);
	// Extractable only so it can be wrapped; it is never exported in the clear or stored.
	const key = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt']);
	const wrappedKey = await subtle.wrapKey('raw', key, serverKey, RSA);
	return { key, wrappedKey: toBase64(wrappedKey) };
}

/** One AES-GCM encryption under `key` with a fresh IV; `label` is bound in as additional data. */
export async function encryptPart({
	key,
	label,
	plain,
	subtle = crypto.subtle
}: {
	key: CryptoKey;
	label: string;
	plain: Uint8Array;
	subtle?: SubtleCrypto;
}): Promise<{ iv: Uint8Array; ciphertext: ArrayBuffer }> {
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const ciphertext = await subtle.encrypt(
		{ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(label) },
		key,
		plain as BufferSource
	);
	return { iv, ciphertext };
}

/**
 * Seals `plain` for the server (issue #7): a fresh AES-256-GCM key encrypts it, the server's RSA-OAEP
 * public key wraps that key, and the key itself is never stored. After this the device holds only
 * ciphertext it cannot open; the id is bound in as additional data so items can't be swapped.
 */
export async function seal({
	id,
	plain,
	serverPublicJwk,
	subtle = crypto.subtle,
	sealingKey
}: {
	id: string;
	plain: string;
	serverPublicJwk: JsonWebKey;
	subtle?: SubtleCrypto;
	/** A key already made for this item (a recording's chunks share the manifest's key). */
	sealingKey?: SealingKey;
}): Promise<SealedItem> {
	const { key, wrappedKey } = sealingKey ?? (await newSealingKey({ serverPublicJwk, subtle }));
	const { iv, ciphertext } = await encryptPart({
		key,
		label: id,
		plain: new TextEncoder().encode(plain),
		subtle
	});
	return { id, wrappedKey, iv: toBase64(iv), ciphertext: toBase64(ciphertext) };
}
