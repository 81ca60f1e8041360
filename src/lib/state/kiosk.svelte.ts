import * as v from 'valibot';
import { EnrolledKiosk } from '../contracts/kiosk';
import { idlePhase, type IdlePhase } from '../core/idle';
import { retryDelay } from '../core/backoff';
import { db } from '../db/db';
import { KIOSK_DB_NAME, kioskDb, type DeviceRecord } from '../kiosk/device-db';
import { drainKioskQueue, dropOrphanChunks } from '../kiosk/queue';
import {
	fetchVisitorGrant,
	shouldAskForGrant,
	storedVisitorGrant,
	visitorSignedIn
} from '../kiosk/visitor-grant';
import { appEncoder } from '../kiosk/app-encoder';
import { wipeVisitor } from '../kiosk/wipe';
import { api, type ApiResult } from '../sync/api';

const ACTIVITY = ['pointerdown', 'keydown', 'input', 'wheel', 'touchstart'] as const;
/** A conversation can run minutes without a tap: the idle timer never ends a session mid-recording. */
const isConversation = (path: string) => /^\/conversations\/[^/]+\/room/.test(path);

/** The kiosk as the UI sees it (issue #7): enrolled or not, the idle countdown, the sealed queue. */
export class KioskState {
	device = $state<DeviceRecord | undefined>();
	loaded = $state(false);
	idle = $state<IdlePhase>({ phase: 'active' });
	queued = $state(0);
	finishing = $state(false);
	#lastActivity = Date.now();
	#attempt = 0;
	#retry: ReturnType<typeof setTimeout> | undefined;
	#grantAskedAt = 0;

	async load() {
		// Most devices are not kiosks: don't create the kiosk database just to find it empty.
		const names = (await indexedDB.databases()).map((d) => d.name);
		if (!names.includes(KIOSK_DB_NAME)) {
			this.loaded = true;
			return undefined;
		}
		this.device = await kioskDb().device.get('device');
		await dropOrphanChunks(kioskDb());
		this.queued = await kioskDb().queue.count();
		this.loaded = true;
		return this.device;
	}

	/** Runs for the whole page life on an enrolled kiosk: idle timer and queue drain. */
	start(): () => void {
		const touch = () => this.stillHere();
		for (const type of ACTIVITY) window.addEventListener(type, touch, { passive: true, capture: true });
		const tick = setInterval(() => this.#tick(), 1000);
		const online = () => void this.drain();
		window.addEventListener('online', online);
		void this.drain();
		return () => {
			for (const type of ACTIVITY) window.removeEventListener(type, touch, { capture: true });
			window.removeEventListener('online', online);
			clearInterval(tick);
			clearTimeout(this.#retry);
		};
	}

	stillHere() {
		this.#lastActivity = Date.now();
		if (this.idle.phase !== 'active') this.idle = { phase: 'active' };
	}

	#tick() {
		const { device } = this;
		const path = location.pathname;
		if (device && !path.startsWith('/kiosk')) this.#askForGrant(device.token);
		if (!device || path.startsWith('/kiosk') || isConversation(path)) return this.stillHere();
		this.idle = idlePhase({
			idleMs: Date.now() - this.#lastActivity,
			warningSeconds: device.device.idleWarningSeconds,
			endSeconds: device.device.idleEndSeconds
		});
		if (this.idle.phase === 'ended') void this.finish();
	}

	/**
	 * While a visitor is signed in, the kiosk holds their grant, so a recording still unsent at the
	 * end can be sealed as theirs even if the connection is gone by then. Asked only once someone
	 * signed in on this tab, at most every 15 s (issue #14).
	 */
	#askForGrant(token: string) {
		const now = Date.now();
		const ask = shouldAskForGrant({
			signedIn: visitorSignedIn(),
			hasGrant: storedVisitorGrant() !== undefined,
			lastAskedAt: this.#grantAskedAt,
			now
		});
		if (!ask) return;
		this.#grantAskedAt = now;
		void fetchVisitorGrant(token);
	}

	/** Seals what is unconfirmed, wipes everything personal, and opens the welcome screen afresh. */
	async finish() {
		if (this.finishing) return;
		this.finishing = true;
		const { sealed } = await wipeVisitor({ appDb: db(), kiosk: kioskDb(), encode: appEncoder });
		location.replace(`/kiosk?ended=1${sealed ? `&sealed=${sealed}` : ''}`);
	}

	async drain() {
		clearTimeout(this.#retry);
		const report = await drainKioskQueue(kioskDb());
		this.queued = report.left;
		if (report.left === 0 || report.revoked) return (this.#attempt = 0);
		this.#retry = setTimeout(
			() => void this.drain(),
			retryDelay({ attempt: this.#attempt++, random: Math.random() })
		);
	}

	async enroll(code: string): Promise<ApiResult<unknown>> {
		const answer = await api('/api/kiosk/enroll', { method: 'POST', body: { code }, schema: EnrolledKiosk });
		if (!answer.ok) return answer;
		const key = await api('/api/kiosk/sealing-key', { schema: v.record(v.string(), v.unknown()) });
		if (!key.ok) return key;
		const record: DeviceRecord = {
			key: 'device',
			token: answer.data.token,
			device: answer.data.device,
			sealingKey: key.data as JsonWebKey
		};
		await kioskDb().device.put(record);
		this.device = record;
		return answer;
	}
}

export const kiosk = new KioskState();
