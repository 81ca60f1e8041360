import type { CommonGroundDb } from '../db/db';
import { nextAttemptAt } from '../db/outbox';
import { drainOutbox, type DrainReport } from './outbox-drain';

/**
 * Runs the outbox drain on start, on `online`, when the page becomes visible again, when something is
 * queued, and when the next backed-off retry is due (issue #2). A Web Lock keeps two tabs from
 * draining at once; the server's idempotency makes an overlap harmless anyway.
 */
export function startOutboxScheduler({
	db,
	onDrained,
	onError = (error) => console.error('Outbox drain failed', error)
}: {
	db: CommonGroundDb;
	onDrained?: (report: DrainReport) => void;
	/** A drain that threw (the device's database, not the network: those are retried quietly). */
	onError?: (error: unknown) => void;
}): { kick: () => void; stop: () => void } {
	let timer: ReturnType<typeof setTimeout> | undefined;
	let running = false;
	let again = false;
	let stopped = false;

	let force = true;
	async function drainOnce() {
		const report = await drainOutbox({ db, force });
		onDrained?.(report);
	}

	async function run() {
		if (stopped) return;
		if (running) {
			again = true;
			return;
		}
		running = true;
		try {
			do {
				again = false;
				if (navigator.locks) await navigator.locks.request('common-ground-outbox', drainOnce);
				else await drainOnce();
			} while (again);
		} finally {
			running = false;
		}
		await schedule();
	}

	async function schedule() {
		clearTimeout(timer);
		const due = await nextAttemptAt(db);
		if (due === undefined || stopped) return;
		timer = setTimeout(
			() => {
				force = false;
				kick();
			},
			Math.max(0, due - Date.now())
		);
	}

	function kick() {
		run().catch(onError);
	}

	const onEvent = () => {
		force = true;
		kick();
	};
	const onVisible = () => {
		if (document.visibilityState === 'visible') onEvent();
	};
	window.addEventListener('online', onEvent);
	document.addEventListener('visibilitychange', onVisible);
	kick();

	return {
		kick: onEvent,
		stop() {
			stopped = true;
			clearTimeout(timer);
			window.removeEventListener('online', onEvent);
			document.removeEventListener('visibilitychange', onVisible);
		}
	};
}
