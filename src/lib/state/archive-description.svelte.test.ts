import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_DRAFT, saveDescription } from '$lib/contracts/archive-description-doc';
import { fakeSockets } from '$lib/testing/fake-socket';
import { SharedDescription } from './archive-description.svelte';

const open: SharedDescription[] = [];
afterEach(() => {
	for (const d of open.splice(0)) d.close();
});

/** A conversation of its own per test: the app's database is shared by the test files. */
const conversation = () => `c-${crypto.randomUUID()}`;

function description() {
	const d = new SharedDescription();
	open.push(d);
	return d;
}

/** What the sync server sends when a partner's change reaches it: a Yjs update message. */
function updateMessage(update: Uint8Array): Uint8Array {
	return encoding.encode((e) => {
		encoding.writeVarUint(e, 0);
		syncProtocol.writeUpdate(e, update);
	});
}

describe('the archive description both partners write', () => {
	it('saves nothing before it is open', () => {
		const d = description();
		expect(d.save({ ...EMPTY_DRAFT, title: 'Two towns' }, EMPTY_DRAFT, 'u-ana')).toBeUndefined();
		expect(d.opened).toBe(false);
	});

	it('keeps a save on this device: opened again, offline, it is there, with who wrote it', async () => {
		const sockets = fakeSockets();
		const id = conversation();
		const first = description();
		await first.open(id);
		expect(first.opened).toBe(true);
		expect(first.draft).toEqual(EMPTY_DRAFT);
		const next = {
			title: 'Two towns',
			summary: 'Farming and faith.',
			keywords: ['farming', 'Faith'],
			place: 'Selma'
		};
		expect(first.save(next, EMPTY_DRAFT, 'u-ana')).toEqual({ ok: true, merged: next });
		expect(first.draft).toEqual(next);
		expect(first.editedBy.map((e) => e.userId)).toEqual(['u-ana']);
		// Nothing reached a server: the only socket never opened.
		expect(sockets.every((s) => s.readyState !== 1)).toBe(true);

		// Stored asynchronously; opening again reads what the device holds.
		await expect
			.poll(async () => {
				const again = description();
				await again.open(id);
				return again.draft;
			})
			.toEqual(next);
	});

	it("shows a partner's words as they arrive, and a save from the form keeps them", async () => {
		const sockets = fakeSockets();
		const id = conversation();
		const d = description();
		await d.open(id);
		sockets[0]!.open();
		expect(d.connection.status).toBe('connected');

		const base = { ...EMPTY_DRAFT, title: 'Two towns' };
		d.save(base, EMPTY_DRAFT, 'u-ana');

		// Bo, on his device, writes a summary and a keyword before her title reached him.
		const bo = new Y.Doc();
		saveDescription(bo, {
			next: { ...EMPTY_DRAFT, summary: 'Farming.', keywords: ['farming'] },
			base: EMPTY_DRAFT,
			by: 'u-bo',
			at: 2
		});
		sockets[0]!.receive(updateMessage(Y.encodeStateAsUpdate(bo)));
		expect(d.draft).toEqual({ title: 'Two towns', summary: 'Farming.', keywords: ['farming'], place: '' });
		expect(d.editedBy.map((e) => e.userId).sort()).toEqual(['u-ana', 'u-bo']);

		// Ana's form still shows what it opened with; her place joins Bo's summary, it does not replace it.
		const saved = d.save({ ...base, place: 'Selma' }, base, 'u-ana');
		const merged = { title: 'Two towns', summary: 'Farming.', keywords: ['farming'], place: 'Selma' };
		expect(saved).toEqual({ ok: true, merged });
		expect(d.draft).toEqual(merged);
		// And what she saved went to the server.
		expect(sockets[0]!.sent.length).toBeGreaterThan(0);
	});

	it('refuses a description longer than the archive takes, changing nothing', async () => {
		fakeSockets();
		const d = description();
		await d.open(conversation());
		const saved = d.save({ ...EMPTY_DRAFT, title: 'x'.repeat(10_000) }, EMPTY_DRAFT, 'u-ana');
		expect(saved).toEqual({ ok: false, reason: 'too_long', field: 'title' });
		expect(d.draft).toEqual(EMPTY_DRAFT);
	});

	it('closed while still opening, never opens', async () => {
		const sockets = fakeSockets();
		const d = description();
		const opening = d.open(conversation());
		d.close();
		await opening;
		expect(d.opened).toBe(false);
		expect(d.save({ ...EMPTY_DRAFT, title: 'Late' }, EMPTY_DRAFT, 'u-ana')).toBeUndefined();
		expect(sockets.every((s) => s.readyState === 3)).toBe(true);
	});
});
