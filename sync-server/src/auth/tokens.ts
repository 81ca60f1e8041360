import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, URL-safe: sign-in link tokens and session ids. */
export function randomToken(): string {
	return randomBytes(32).toString('base64url');
}

/** Only this digest is stored for tokens, session ids and personal codes. */
export function sha256(value: string): string {
	return createHash('sha256').update(value).digest('hex');
}
