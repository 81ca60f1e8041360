import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { LiveEvent } from '../../../src/lib/contracts/live.ts';
import type { Logger } from '../log.ts';
import { isReachable, type RedisConnections } from '../redis/client.ts';

type Listener = (event: LiveEvent) => void;

/**
 * Who is listening for what changed (issue #14): one set of open event streams per person. With
 * REDIS_URL every instance hears every publish and delivers it to its own open streams (issue #17).
 */
export interface LiveHub {
	publish(userIds: readonly string[], event: LiveEvent): void;
	/** Returns how to stop listening. */
	subscribe(userId: string, listener: Listener): () => void;
	/** How many streams this person has open on this instance (a cap against a runaway tab or a hostile client). */
	listeners(userId: string): number;
	/** Resolves once this instance hears the other instances' events (at once without Redis). */
	ready: Promise<void>;
}

/** The one channel every instance's hub publishes on and listens to. */
export const LIVE_CHANNEL = 'live:events';

/** What goes through Redis: the keys it concerns, the event, and which instance sent it. */
const Relayed = v.strictObject({ from: v.string(), keys: v.array(v.string()), event: LiveEvent });

export function createLiveHub({ redis, log }: { redis?: RedisConnections; log?: Logger } = {}): LiveHub {
	const byUser = new Map<string, Set<Listener>>();
	const deliver = (keys: readonly string[], event: LiveEvent) => {
		for (const key of new Set(keys)) for (const listener of byUser.get(key) ?? []) listener(event);
	};
	const instance = randomUUID();
	const ready = redis
		? redis
				.subscribe(LIVE_CHANNEL, (message) => {
					const relayed = v.safeParse(Relayed, parseJson(message.toString()));
					if (!relayed.success) {
						log?.warn('live event from redis unreadable; dropped');
						return;
					}
					// This instance's own events were delivered here as they were published.
					if (relayed.output.from !== instance) deliver(relayed.output.keys, relayed.output.event);
				})
				.then(() => undefined)
		: Promise.resolve();
	ready.catch((error: unknown) => log?.error('live events: listening on redis failed', { error }));
	return {
		publish(userIds, event) {
			// Here first, so this instance's streams hear it even when Redis is away.
			deliver(userIds, event);
			if (!redis) return;
			if (!isReachable(redis.command)) {
				log?.warn('live event not relayed to other instances: Redis is not reachable', {
					topic: event.topic
				});
				return;
			}
			const message = JSON.stringify(
				v.parse(Relayed, { from: instance, keys: [...new Set(userIds)], event })
			);
			// At most once, like any pub/sub: a page that missed one refetches on reconnect and on focus.
			redis.command
				.publish(LIVE_CHANNEL, message)
				.catch((error: unknown) => log?.error('live event not relayed to other instances', { error }));
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
		listeners: (userId) => byUser.get(userId)?.size ?? 0,
		ready
	};
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
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
