import { afterEach, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { seal } from '../../../src/lib/kiosk/seal.ts';
import { tempDir } from '../test/harness.ts';
import { loadSealer, SEALING_KEY_FILE } from './sealing.ts';
import { rmSync } from 'node:fs';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const fresh = () => {
	const dir = tempDir('cg-seal-');
	dirs.push(dir);
	return dir;
};

// RSA-3072 key generation takes seconds on a busy machine.
describe('kiosk sealing', { timeout: 60_000 }, () => {
	it('what a kiosk seals, only the server opens, and after a restart too', async () => {
		const dataDir = fresh();
		const sealer = await loadSealer(dataDir);
		expect(statSync(join(dataDir, SEALING_KEY_FILE)).mode & 0o777).toBe(0o600);
		expect(sealer.publicJwk).not.toHaveProperty('d');

		const id = crypto.randomUUID();
		const item = await seal({ id, plain: '{"secret":"Rosa Tester"}', serverPublicJwk: sealer.publicJwk });
		expect(atob(item.ciphertext)).not.toContain('Rosa');
		const restarted = await loadSealer(dataDir);
		expect(await restarted.open(item)).toBe('{"secret":"Rosa Tester"}');
	});

	it('another server cannot open it, and a changed or re-labelled item is refused', async () => {
		const sealer = await loadSealer(fresh());
		const other = await loadSealer(fresh());
		const item = await seal({ id: crypto.randomUUID(), plain: 'x', serverPublicJwk: sealer.publicJwk });
		await expect(other.open(item)).rejects.toThrow();
		await expect(sealer.open({ ...item, id: crypto.randomUUID() })).rejects.toThrow();
		const bytes = Uint8Array.from(atob(item.ciphertext), (ch) => ch.charCodeAt(0));
		bytes[0] = (bytes[0] ?? 0) ^ 1;
		await expect(sealer.open({ ...item, ciphertext: btoa(String.fromCharCode(...bytes)) })).rejects.toThrow();
	});
});
