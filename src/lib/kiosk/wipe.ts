import { openDb, type CommonGroundDb } from '../db/db';
import { seal } from './seal';
import { sealRecordings, type SealEncoder } from './seal-recording';
import { KIOSK_DB_NAME, type KioskDb } from './device-db';
import { fetchVisitorGrant, storedVisitorGrant } from './visitor-grant';
import type { SealedMutation } from '../contracts/kiosk';
import * as v from 'valibot';
import { api } from '../sync/api';

/**
 * Ends a visitor's session on a kiosk (issue #7). First, whatever the server has not confirmed is
 * sealed into the kiosk's queue (nothing is lost, and nobody here can read it). Then everything
 * personal goes: every IndexedDB database but the kiosk's own, every cache but the app shell's
 * precache, localStorage, sessionStorage, readable cookies, and the session cookie on the server.
 */
export async function wipeVisitor({
	appDb,
	kiosk,
	encode
}: {
	appDb: CommonGroundDb;
	kiosk: KioskDb;
	/** What recordings are encoded with before sealing (kiosk/app-encoder.ts). */
	encode: SealEncoder;
}): Promise<{ sealed: number }> {
	const sealed = (await sealPending({ appDb, kiosk })) + (await sealTracks({ appDb, kiosk, encode }));
	// The community list is public and lets the next visitor sign up offline: it is all that stays.
	const shared = await appDb.cache.toArray();
	appDb.close();
	await deleteDatabases();
	const fresh = openDb(appDb.name);
	await fresh.cache.bulkPut(shared);
	fresh.close();
	await deleteCaches();
	localStorage.clear();
	sessionStorage.clear();
	for (const cookie of document.cookie.split(';')) {
		const name = cookie.split('=')[0]?.trim();
		if (name) document.cookie = `${name}=; Max-Age=0; path=/`;
	}
	await signOut(kiosk);
	return { sealed };
}

async function sealPending({ appDb, kiosk }: { appDb: CommonGroundDb; kiosk: KioskDb }): Promise<number> {
	const device = await kiosk.device.get('device');
	const pending = await appDb.outbox.where('status').equals('pending').toArray();
	if (!device || pending.length === 0) return 0;
	// The visitor's grant goes inside, so a change that needs its author is applied as theirs later.
	const grant = pending.some((entry) => entry.mutation.type !== 'signup')
		? ((await fetchVisitorGrant(device.token)) ?? storedVisitorGrant())?.grant
		: undefined;
	const items = await Promise.all(
		pending.map((entry) => {
			const sealed: SealedMutation = { mutation: entry.mutation, grant };
			return seal({ id: entry.id, plain: JSON.stringify(sealed), serverPublicJwk: device.sealingKey });
		})
	);
	// Written before anything is deleted: if the tab dies here, the outbox is still intact.
	await kiosk.queue.bulkPut(
		items.map((item) => ({ ...item, kind: 'mutation' as const, createdAt: Date.now(), attempts: 0 }))
	);
	return items.length;
}

/** Recordings the server has not confirmed go into the queue too, with the visitor's grant sealed inside. */
async function sealTracks({
	appDb,
	kiosk,
	encode
}: {
	appDb: CommonGroundDb;
	kiosk: KioskDb;
	encode: SealEncoder;
}): Promise<number> {
	const device = await kiosk.device.get('device');
	if (!device || (await appDb.tracks.count()) === 0) return 0;
	const visitor = (await fetchVisitorGrant(device.token)) ?? storedVisitorGrant();
	return sealRecordings({ appDb, kiosk, serverPublicJwk: device.sealingKey, visitor, encode });
}

async function deleteDatabases() {
	const names = (await indexedDB.databases())
		.map((d) => d.name)
		.filter((n): n is string => !!n && n !== KIOSK_DB_NAME);
	await Promise.all(
		names.map(
			(name) =>
				new Promise<void>((resolve, reject) => {
					const request = indexedDB.deleteDatabase(name);
					request.onsuccess = () => resolve();
					request.onerror = () => reject(request.error ?? new Error(`Could not delete ${name}`));
					// Another tab still has it open: it is deleted when that tab closes; don't hang here.
					request.onblocked = () => resolve();
				})
		)
	);
}

/** Workbox keeps the app shell in a cache named "workbox-precache-…"; that one holds nothing personal. */
async function deleteCaches() {
	if (!('caches' in self)) return;
	for (const name of await caches.keys()) if (!name.includes('precache')) await caches.delete(name);
}

/** The session cookie is HttpOnly, so only the server can end it. Offline, the kiosk does it as soon as it can. */
async function signOut(kiosk: KioskDb) {
	const res = await api('/api/auth/signout', { method: 'POST', body: {}, schema: v.unknown() });
	if (res.ok) return kiosk.device.update('device', { signOutPending: false });
	// Offline (or the server could not say): remembered, and tried again before the next send.
	await kiosk.device.update('device', { signOutPending: true });
}

export { signOut as signOutKioskVisitor };
