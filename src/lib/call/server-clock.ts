import * as v from 'valibot';
import { ServerTime } from '../contracts/call';
import { estimateOffset, keepRecent, type ClockEstimate, type ClockSample } from '../core/clock-offset';

const FIRST_PINGS = 5;
const REESTIMATE_MS = 20_000;

/**
 * The server's clock as this device sees it, from ping/pong against /api/time (issue #5, "Timing"):
 * a burst of pings on start, then one every 20 s for the whole call, so drift is followed.
 * Recording segments are stamped with `now()`-based times, which both devices share.
 */
export class ServerClock {
	#samples: ClockSample[] = [];
	#estimate: ClockEstimate | undefined;
	#timer: ReturnType<typeof setInterval> | undefined;

	get estimate(): ClockEstimate | undefined {
		return this.#estimate;
	}

	/** Local wall-clock ms, from the monotonic clock so a changed system clock can't jump it. */
	static local(): number {
		return performance.timeOrigin + performance.now();
	}

	/** Server time now; before the first answer, the local time (the offset is then 0). */
	now(): number {
		return ServerClock.local() + (this.#estimate?.offsetMs ?? 0);
	}

	toServer(localMs: number): number {
		return localMs + (this.#estimate?.offsetMs ?? 0);
	}

	async start(): Promise<void> {
		for (let i = 0; i < FIRST_PINGS; i++) await this.ping();
		this.#timer ??= setInterval(() => void this.ping(), REESTIMATE_MS);
	}

	stop() {
		clearInterval(this.#timer);
		this.#timer = undefined;
	}

	async ping(): Promise<void> {
		const sentAt = ServerClock.local();
		try {
			const res = await fetch('/api/time', { cache: 'no-store', credentials: 'same-origin' });
			const receivedAt = ServerClock.local();
			const parsed = v.safeParse(ServerTime, await res.json());
			if (!parsed.success) return;
			this.#samples = keepRecent(this.#samples, { sentAt, receivedAt, serverTime: parsed.output.serverTime });
			this.#estimate = estimateOffset(this.#samples);
		} catch {
			// Offline for a moment: the last estimate stays good for far longer than a call lasts.
		}
	}
}
