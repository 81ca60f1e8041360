import type { ErrorCode } from '../../src/lib/contracts/errors.ts';

/** An expected failure, as a value: what the person did that we cannot accept, and how to fix it. */
export interface Rejection {
	code: ErrorCode;
	message: string;
	fields?: Record<string, string>;
	retryAfterSeconds?: number;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

export const accept = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const reject = <T = never>(rejection: Rejection): Outcome<T> => ({ ok: false, rejection });
