import { AnyMutationResponse } from '../contracts/mutations';
import { retryDelay } from '../core/backoff';
import type { CommonGroundDb } from '../db/db';
import { dueEntries, markDelivered, markRejected, markRetry } from '../db/outbox';
import { kioskDeviceHeaders } from '../kiosk/visitor';
import { noteVisitorSignedIn } from '../kiosk/visitor-grant';
import { api } from './api';

export type DrainReport = { delivered: number; rejected: number; retrying: number };

/** Statuses worth retrying: the server or the network may recover. Any other 4xx is final. */
function isTransient(status: number): boolean {
	return status === 0 || status === 408 || status === 429 || status >= 500;
}

/**
 * Sends every due outbox entry once, oldest first. The server applies each mutation id at most once,
 * so sending again after a lost answer is safe.
 */
export async function drainOutbox({
	db,
	fetcher = fetch,
	now = Date.now,
	random = Math.random,
	force = false,
	signupHeaders = kioskDeviceHeaders
}: {
	db: CommonGroundDb;
	/** Ignore backoff: something changed (back online, page visible again, a new entry). */
	force?: boolean;
	fetcher?: typeof fetch;
	now?: () => number;
	random?: () => number;
	/** Sent with a sign-up: on an enrolled kiosk, its device token, so the partner is credited (issue #14). */
	signupHeaders?: () => Promise<Record<string, string>>;
}): Promise<DrainReport> {
	const report: DrainReport = { delivered: 0, rejected: 0, retrying: 0 };
	for (const entry of await dueEntries(db, force ? Infinity : now())) {
		const answer = await api('/api/mutations', {
			method: 'POST',
			body: entry.mutation,
			schema: AnyMutationResponse,
			headers: entry.mutation.type === 'signup' ? await signupHeaders() : {},
			fetcher
		});
		if (answer.ok) {
			await markDelivered(db, { id: entry.id, result: answer.data.result });
			// A sign-up's answer signs the person in (its cookie); a kiosk then asks for their grant.
			if (entry.mutation.type === 'signup') noteVisitorSignedIn();
			report.delivered += 1;
		} else if (isTransient(answer.status)) {
			const delayMs = retryDelay({ attempt: entry.attempts, random: random() });
			await markRetry(db, { id: entry.id, delayMs, error: answer.error.message, now: now() });
			report.retrying += 1;
			// The connection is down or the server is struggling: the rest would fail the same way.
			break;
		} else {
			await markRejected(db, { id: entry.id, error: answer.error });
			report.rejected += 1;
		}
	}
	return report;
}
