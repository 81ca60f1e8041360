import { readdirSync, readFileSync } from 'node:fs';

/**
 * Everything a journey starts (servers, browsers) is ended when the test ends, however it ends: a
 * test that times out never reaches its own `finally`, and a Chromium left running eats the cores
 * of every test after it (issue #15). The auto fixture in fixtures.ts calls `endEverything`.
 */
type End = () => Promise<unknown> | void;
const running = new Set<End>();

/** Registers how to end something; call the returned function once it has ended on its own. */
export function endAfterTest(end: End): () => void {
	running.add(end);
	return () => running.delete(end);
}

export async function endEverything(): Promise<void> {
	const ends = [...running];
	running.clear();
	await Promise.all(ends.map(async (end) => await Promise.resolve(end()).catch(() => undefined)));
}

/**
 * Processes of this run still alive: any whose command line or environment names the run's own
 * scratch folder (servers get their DATA_DIR there, browsers their profile and fake microphone).
 */
export function strayProcesses(scratch: string): { pid: number; command: string }[] {
	const found: { pid: number; command: string }[] = [];
	for (const entry of readdirSync('/proc')) {
		const pid = Number(entry);
		if (!Number.isInteger(pid) || pid === process.pid) continue;
		try {
			const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
			const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
			const ours = command.includes(scratch) || environ.includes(`DATA_DIR=${scratch}`);
			// The test runner and its workers carry the folder in their environment too; they are ending.
			if (ours && !command.includes('playwright') && !/\bnpm\b|\bsh -c\b/.test(command))
				found.push({ pid, command: command.slice(0, 160) });
		} catch {
			// gone already, or not ours to read
		}
	}
	return found;
}
