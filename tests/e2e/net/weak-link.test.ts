import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { checkLinks, mismatches, probeLink, type ProbedLink } from './probe';
import { PROFILES } from './profiles';
import { createWeakLinks, isRoot, removeStaleSlots, slotFile } from './weak-link';

const way = (meanMs: number, loss: number, spread = 0) => ({
	sent: 2_000,
	arrived: Math.round(2_000 * (1 - loss)),
	loss,
	meanMs,
	p5Ms: meanMs - spread / 2,
	p95Ms: meanMs + spread / 2
});
const link = (meanMs: number, loss: number, spread = 0): ProbedLink => ({
	down: way(meanMs, loss, spread),
	up: way(meanMs, loss, spread)
});

describe('the probes’ check against a profile', () => {
	it('accepts what the profile says', () => {
		expect(mismatches(link(100, 0.05), PROFILES.lossy)).toEqual([]);
		expect(mismatches(link(300, 0.1, 120), PROFILES.bad)).toEqual([]);
	});
	it('names a link without its loss, with another delay, or without its jitter', () => {
		expect(mismatches(link(100, 0), PROFILES.lossy)).toEqual([
			expect.stringMatching(/^down: lost 0\.00% of 2000 probes, not 4\.94/),
			expect.stringMatching(/^up: lost 0\.00%/)
		]);
		expect(mismatches(link(60, 0.05), PROFILES.lossy).join('\n')).toMatch(
			/down: mean delay 60\.0 ms, not 100/
		);
		expect(mismatches(link(300, 0.1, 0), PROFILES.bad).join('\n')).toMatch(/delay spread p5–p95 0\.0 ms/);
	});
});

const NOT_ROOT = 'needs root: it makes network namespaces (CI runs as root)';

describe.skipIf(!isRoot())(`the weak links in real namespaces (${isRoot() ? 'as root' : NOT_ROOT})`, () => {
	it('delay, jitter and loss, random and in bursts, measured by the probes, match each profile', async () => {
		const links = await createWeakLinks({ people: { ada: 'lossy', ben: 'bad', cy: '3g' } });
		try {
			const probed = await checkLinks({ people: links.people, from: links.serverHost });
			expect(Object.keys(probed)).toEqual(['ada', 'ben', 'cy']);
			// The relay's bursts are part of lossy's 5%, beside nftables' random drops.
			expect((await links.relayStats()).burstLost).toBeGreaterThan(0);
		} finally {
			await links.close();
		}
		expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(
			links.people.ada!.namespace
		);
	}, 90_000);

	it('an outage drops every packet of one link, and the link is as before after it', async () => {
		const links = await createWeakLinks({ people: { ada: 'good', ben: 'good' } });
		try {
			const ada = links.people.ada!;
			links.outage('ada', true);
			const during = await probeLink({ person: ada, from: links.serverHost, packets: 200 });
			expect(during.down.loss).toBe(1);
			// The other person's link is untouched.
			const ben = await probeLink({ person: links.people.ben!, from: links.serverHost, packets: 200 });
			expect(mismatches(ben, PROFILES.good)).toEqual([]);
			links.outage('ada', false);
			const after = await probeLink({ person: ada, from: links.serverHost, packets: 200 });
			expect(mismatches(after, PROFILES.good)).toEqual([]);
		} finally {
			await links.close();
		}
	}, 60_000);

	it('a person’s uplink is no faster than its profile’s rate (tbf)', async () => {
		// A 1 Mbit/s uplink with almost no delay, so only tbf can make the transfer take seconds.
		const links = await createWeakLinks({ people: { ada: { ...PROFILES.good, delayMs: 1, upKbit: 1_000 } } });
		const bytes = 250_000; // 2 s at 1 Mbit/s
		const server = createServer((socket) => socket.resume());
		let received = 0;
		const done = new Promise<number>((resolve) =>
			server.on('connection', (socket) => {
				const start = process.hrtime.bigint();
				socket.on('data', (d: Buffer) => (received += d.length));
				socket.on('end', () => resolve(Number(process.hrtime.bigint() - start) / 1e9));
			})
		);
		await new Promise<void>((r) => server.listen(0, links.serverHost, r));
		try {
			const port = (server.address() as { port: number }).port;
			const client = links.people.ada!.run(process.execPath, [
				'-e',
				`const s = require('node:net').connect(${port}, '${links.serverHost}', () => s.end(Buffer.alloc(${bytes})));`
			]);
			const seconds = await done;
			await new Promise((r) => client.once('exit', r));
			expect(received).toBe(bytes);
			// Only a lower bound: the link can't be faster than its rate, whatever the machine is doing.
			expect(seconds).toBeGreaterThan(1.5);
		} finally {
			server.close();
			await links.close();
		}
	}, 60_000);

	it('cleans up what a run that died left behind', async () => {
		const dead = spawn(process.execPath, ['-e', '']);
		await new Promise((r) => dead.once('exit', r));
		const slot = 39;
		writeFileSync(slotFile(slot), String(dead.pid));
		execFileSync('ip', ['netns', 'add', `cgwl${slot}-hub`]);
		removeStaleSlots();
		expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(`cgwl${slot}-hub`);
	});
});
