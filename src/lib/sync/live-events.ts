import * as v from 'valibot';
import { LIVE_EVENT_NAME, LiveEvent } from '../contracts/live';

/** A change pushed by the server, or `resync`: look again, something may have been missed. */
export type LiveSignal = LiveEvent | { topic: 'resync' };
type Listener = (signal: LiveSignal) => void;

/**
 * The app's one push channel (issue #14): an EventSource on /api/events while someone is signed in.
 * It tells open pages what changed; they refetch it. Whenever the stream (re)opens, the window gets
 * the focus again or the device comes back online, listeners hear `resync`, because changes made
 * meanwhile were not pushed to anyone.
 */
class LiveEvents {
	#listeners = new Set<Listener>();
	#source: EventSource | undefined;

	/** Starts listening (idempotent); returns how to stop. */
	start(): () => void {
		if (typeof EventSource === 'undefined' || this.#source) return () => {};
		const source = new EventSource('/api/events');
		this.#source = source;
		source.addEventListener('ready', () => this.#emit({ topic: 'resync' }));
		source.addEventListener(LIVE_EVENT_NAME, (message) => {
			const parsed = v.safeParse(LiveEvent, safeJson((message as MessageEvent<string>).data));
			if (parsed.success) this.#emit(parsed.output);
		});
		const resync = () => this.#emit({ topic: 'resync' });
		const visible = () => document.visibilityState === 'visible' && resync();
		window.addEventListener('focus', resync);
		window.addEventListener('online', resync);
		document.addEventListener('visibilitychange', visible);
		return () => {
			source.close();
			this.#source = undefined;
			window.removeEventListener('focus', resync);
			window.removeEventListener('online', resync);
			document.removeEventListener('visibilitychange', visible);
		};
	}

	/** Calls `listener` on every signal; returns how to stop. */
	on(listener: Listener): () => void {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	}

	#emit(signal: LiveSignal) {
		for (const listener of this.#listeners) listener(signal);
	}
}

function safeJson(text: string): unknown {
	try {
		return JSON.parse(text);
	} catch {
		return undefined;
	}
}

export const liveEvents = new LiveEvents();
