import { Workbox } from 'workbox-window';
import { reportProblem } from './problems.svelte';

/**
 * The service worker's lifecycle as the person sees it (issue #2): "ready to work offline" on the
 * first visit, and "A new version is ready – Reload" later. We never reload on our own, so nothing
 * typed is ever thrown away; the person chooses when.
 */
export class AppUpdate {
	offlineReady = $state(false);
	updateReady = $state(false);
	#wb: Workbox | undefined;

	register(url = '/service-worker.js'): () => void {
		if (!('serviceWorker' in navigator)) return () => {};
		const wb = new Workbox(url);
		this.#wb = wb;
		wb.addEventListener('installed', (event) => {
			if (!event.isUpdate) this.offlineReady = true;
		});
		wb.addEventListener('waiting', () => (this.updateReady = true));
		wb.register().catch((error: unknown) =>
			reportProblem(error, { context: 'service worker registration', show: false })
		);

		// Look for a new version whenever the person comes back to the tab, and every half hour.
		const check = () => {
			if (document.visibilityState === 'visible') wb.update().catch(() => {});
		};
		document.addEventListener('visibilitychange', check);
		const interval = setInterval(check, 30 * 60_000);
		return () => {
			document.removeEventListener('visibilitychange', check);
			clearInterval(interval);
		};
	}

	/** Called when the person presses "Reload". */
	apply() {
		const wb = this.#wb;
		if (!wb) return location.reload();
		wb.addEventListener('controlling', () => location.reload());
		wb.messageSkipWaiting();
	}

	dismissOfflineReady() {
		this.offlineReady = false;
	}
}

export const appUpdate = new AppUpdate();
