import { m } from '../paraglide/messages.js';
import { liveQuery } from 'dexie';
import type { CommonGroundDb } from '../db/db';
import { pendingCount } from '../db/outbox';
import type { DrainReport } from '../sync/outbox-drain';
import { startOutboxScheduler } from '../sync/outbox-scheduler';
import { reportProblem } from './problems.svelte';

/** What the header's status indicator shows: online or not, and how much is waiting to sync. */
export class Connectivity {
	online = $state(true);
	waiting = $state(0);
	lastReport = $state<DrainReport | undefined>();
	#scheduler: ReturnType<typeof startOutboxScheduler> | undefined;

	label = $derived.by(() => {
		const count = this.waiting;
		if (!this.online) return count ? m.status_offline_waiting({ count }) : m.status_offline();
		return count ? m.status_online_waiting({ count }) : m.status_online_saved();
	});

	start(db: CommonGroundDb): () => void {
		this.online = navigator.onLine;
		const update = () => (this.online = navigator.onLine);
		window.addEventListener('online', update);
		window.addEventListener('offline', update);
		const subscription = liveQuery(() => pendingCount(db)).subscribe({
			next: (count) => (this.waiting = count),
			error: (error: unknown) =>
				reportProblem(error, { context: 'counting the outbox', message: m.problem_device_storage() })
		});
		this.#scheduler = startOutboxScheduler({
			db,
			onDrained: (report) => (this.lastReport = report),
			onError: (error) => reportProblem(error, { context: 'outbox drain', message: m.problem_sending() })
		});
		return () => {
			window.removeEventListener('online', update);
			window.removeEventListener('offline', update);
			subscription.unsubscribe();
			this.#scheduler?.stop();
		};
	}

	/** Something new is in the outbox: try to send it now. */
	sync() {
		this.#scheduler?.kick();
	}
}

export const connectivity = new Connectivity();
