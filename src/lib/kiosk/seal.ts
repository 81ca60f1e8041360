import type { SealedItem } from '../contracts/kiosk';

const RSA = { name: 'RSA-OAEP', hash: 'SHA-256' } as const;

function toBase64(bytes: ArrayBuffer | Uint8Array): string {
	const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
	let binary = '';
	for (let i = 0; i < view.length; i += 0x8000)
		binary += String.fromCharCode(...view.subarray(i, i + 0x8000));
	return btoa(binary);
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
	subtle = crypto.subtle
}: {
	id: string;
	plain: string;
	serverPublicJwk: JsonWebKey;
	subtle?: SubtleCrypto;
}): Promise<SealedItem> {
	const serverKey = await subtle.importKey('jwk', serverPublicJwk, RSA, false, ['wrapKey']);
	const key = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt']);
	const iv = crypto.getRandomValues(new Uint8Array(12));
	const ciphertext = await subtle.encrypt(
		{ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(id) },
		key,
		new TextEncoder().encode(plain)
	);
	const wrappedKey = await subtle.wrapKey('raw', key, serverKey, RSA);
	return { id, wrappedKey: toBase64(wrappedKey), iv: toBase64(iv), ciphertext: toBase64(ciphertext) };
}
