import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/**
 * Presence (awareness) is per person (issue #13): a connection may set and clear only the client
 * ids it introduced itself, so nobody can appear in someone else's name or make them vanish. A
 * read-only connection (a coordinator) sends none at all. Returns the update with only the entries
 * `mayTouch` allows, or undefined when none is left. The format is y-protocols' awareness update:
 * a count, then per client its id, clock and state as JSON.
 */
export function ownPresenceOnly(
	update: Uint8Array,
	mayTouch: (clientId: number) => boolean
): Uint8Array | undefined {
	const decoder = decoding.createDecoder(update);
	const count = decoding.readVarUint(decoder);
	const kept: { clientId: number; clock: number; state: string }[] = [];
	for (let i = 0; i < count; i++) {
		const clientId = decoding.readVarUint(decoder);
		const clock = decoding.readVarUint(decoder);
		const state = decoding.readVarString(decoder);
		if (mayTouch(clientId)) kept.push({ clientId, clock, state });
	}
	if (kept.length === 0) return undefined;
	return encoding.encode((e) => {
		encoding.writeVarUint(e, kept.length);
		for (const entry of kept) {
			encoding.writeVarUint(e, entry.clientId);
			encoding.writeVarUint(e, entry.clock);
			encoding.writeVarString(e, entry.state);
		}
	});
}
