import type { LiveEvent } from '../../../src/lib/contracts/live.ts';

type Listener = (event: LiveEvent) => void;

/**
 * Who is listening for what changed (issue #14): one set of open event streams per person. In one
 * process; several instances would relay through Redis behind the same two calls (issue #17).
 */
export interface LiveHub {
	publish(userIds: readonly string[], event: LiveEvent): void;
	/** Returns how to stop listening. */
	subscribe(userId: string, listener: Listener): () => void;
	/** How many streams this person has open now (a cap against a runaway tab or a hostile client). */
	listeners(userId: string): number;
}

export function createLiveHub(): LiveHub {
	const byUser = new Map<string, Set<Listener>>();
	return {
		publish(userIds, event) {
			for (const userId of new Set(userIds)) for (const listener of byUser.get(userId) ?? []) listener(event);
		},
		subscribe(userId, listener) {
			const set = byUser.get(userId) ?? new Set();
			byUser.set(userId, set.add(listener));
			return () => {
				set.delete(listener);
				// Only this person's current set: a stream stopped twice (on abort, then as its loop
				// ends) must not drop the set a newer stream has been added to since.
				if (set.size === 0 && byUser.get(userId) === set) byUser.delete(userId);
			};
		},
		listeners: (userId) => byUser.get(userId)?.size ?? 0
	};
}

/** Every coordinator's open console listens here too: conversations are what they run (issue #14). */
export const COORDINATORS = 'role:coordinator';

/**
 * A partner organization's staff listen here: their dashboard shows their people's progress
 * (issue #14). Ids are UUIDs, so no person's id can be an organization's key.
 */
export function organizationKey(organizationId: string): string {
	return `org:${organizationId}`;
}

/** The people a conversation's change concerns: its two participants and the coordinators. */
export function concerned(participantIds: readonly string[]): string[] {
	return [...participantIds, COORDINATORS];
}
