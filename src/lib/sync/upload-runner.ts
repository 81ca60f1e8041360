import { Me } from '../contracts/auth';
import type { Connection } from '../core/upload-plan';
import type { CommonGroundDb } from '../db/db';
import { api } from './api';
import { conversationsToSend, sendRecording } from './upload-queue';

type NetworkInformation = { effectiveType?: string; downlink?: number; saveData?: boolean };

export function currentConnection(): Connection {
	const info = (navigator as Navigator & { connection?: NetworkInformation }).connection;
	return {
		online: navigator.onLine,
		effectiveType: info?.effectiveType,
		downlinkMbps: info?.downlink,
		saveData: info?.saveData
	};
}

const RETRY_MS = 30_000;

/**
 * Keeps sending recordings whenever the app is open: on start, on `online`, and every 30 s while
 * something is left. A Web Lock keeps two tabs from sending the same file at once.
 */
export function startUploadRunner({
	db,
	kiosk = false
}: {
	db: CommonGroundDb;
	/** On an enrolled kiosk everything goes at once (issue #7); asked each round, enrollment can change. */
	kiosk?: boolean | (() => Promise<boolean>);
}) {
	let running = false;
	let again = false;
	let stopped = false;
	let timer: ReturnType<typeof setTimeout> | undefined;

	async function once() {
		const me = await api('/api/me', { schema: Me });
		// Offline or the server restarting: keep trying on the timer; signed out: wait for a sign-in.
		if (!me.ok) return me.status === 0 || me.status >= 500;
		const ids = await conversationsToSend(db, me.data.userId);
		const onKiosk = typeof kiosk === 'function' ? await kiosk() : kiosk;
		for (const conversationId of ids) {
			await sendRecording({
				db,
				conversationId,
				userId: me.data.userId,
				kiosk: onKiosk,
				connection: currentConnection
			});
		}
		return (await conversationsToSend(db, me.data.userId)).length > 0;
	}

	async function run() {
		if (stopped) return;
		if (running) {
			again = true;
			return;
		}
		running = true;
		let left = false;
		try {
			do {
				again = false;
				left = navigator.locks ? await navigator.locks.request('common-ground-uploads', once) : await once();
			} while (again);
		} catch (error) {
			console.error('Sending the recording failed; it stays on this device and is tried again', error);
			left = true;
		} finally {
			running = false;
		}
		clearTimeout(timer);
		if (left && !stopped) timer = setTimeout(() => void run(), RETRY_MS);
	}

	const kick = () => void run();
	window.addEventListener('online', kick);
	kick();
	return {
		kick,
		stop() {
			stopped = true;
			clearTimeout(timer);
			window.removeEventListener('online', kick);
		}
	};
}
