import { liveQuery } from 'dexie';
import { mustStayOpen } from '../core/upload-plan';
import { db } from '../db/db';
import { uploadsOf, type UploadRecord } from '../db/after';
import { isEnrolledKiosk } from '../kiosk/device-db';
import { startUploadRunner } from '../sync/upload-runner';
import { m } from '../paraglide/messages.js';
import { reportProblem } from './problems.svelte';

/** The upload runner for the whole app, and what each page shows about one conversation's uploads. */
class Uploads {
	#runner: ReturnType<typeof startUploadRunner> | undefined;

	/** Started by the layout only when there is something to send, so first paint never loads any of it. */
	start(): () => void {
		// A kiosk wipes itself after each visitor: there the master goes at once (core/upload-plan).
		this.#runner ??= startUploadRunner({ db: db(), kiosk: isEnrolledKiosk });
		return () => {
			this.#runner?.stop();
			this.#runner = undefined;
		};
	}

	kick() {
		if (this.#runner) this.#runner.kick();
		else this.start();
	}
}

export const uploads = new Uploads();

export class ConversationUploads {
	records = $state.raw<UploadRecord[]>([]);
	stayOpen = $derived(mustStayOpen(this.records.map((r) => r.stage)));
	#subscription: { unsubscribe(): void } | undefined;

	constructor(conversationId: string) {
		this.#subscription = liveQuery(() => uploadsOf(db(), conversationId)).subscribe({
			next: (records) => (this.records = records.sort((a, b) => a.kind.localeCompare(b.kind) * -1)),
			error: (error: unknown) =>
				reportProblem(error, { context: 'reading the uploads', message: m.problem_device_storage() })
		});
	}

	dispose() {
		this.#subscription?.unsubscribe();
	}
}
