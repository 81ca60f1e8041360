import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * A replayed mutation must return its first result, and a sign-up's result holds the personal code,
 * which is otherwise stored only as a hash. So the result is sealed (AES-256-GCM) under a key
 * derived from the client's mutation id, and the table keeps only the id's hash: a copy of the
 * database alone does not reveal codes, while the client that replays its own id gets them back.
 */
export function sealResult(json: string, mutationId: string): string {
	const iv = randomBytes(12);
	const cipher = createCipheriv('aes-256-gcm', keyFor(mutationId), iv);
	const sealed = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
	return ['v1', iv, cipher.getAuthTag(), sealed]
		.map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
		.join('.');
}

export function openResult(sealed: string, mutationId: string): string {
	const [version, iv, tag, data] = sealed.split('.');
	if (version !== 'v1' || !iv || !tag || data === undefined)
		throw new Error('unrecognised sealed mutation result');
	const decipher = createDecipheriv('aes-256-gcm', keyFor(mutationId), Buffer.from(iv, 'base64url'));
	decipher.setAuthTag(Buffer.from(tag, 'base64url'));
	return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}

function keyFor(mutationId: string): Buffer {
	return createHash('sha256').update(`common-ground/mutation-result/${mutationId}`).digest();
}
