import { readdirSync, readFileSync } from 'node:fs';

/** User + system CPU of one process so far, in seconds (Linux: /proc/<pid>/stat, USER_HZ 100). */
export function processCpuSeconds(pid: number): number {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
	const ticks = Number(fields[11]) + Number(fields[12]);
	if (!Number.isFinite(ticks)) throw new Error(`Could not read the CPU time of process ${pid}.`);
	return ticks / 100;
}

/** The whole machine's CPU so far (every process, other sessions' too): busy and total, in seconds. */
export function machineCpuSeconds(): { busy: number; total: number } {
	const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
	// cpu  user nice system idle iowait irq softirq steal …
	const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
	const total = ticks.reduce((a, b) => a + b, 0);
	const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
	if (!Number.isFinite(total) || total === 0)
		throw new Error('Could not read the machine CPU time (/proc/stat).');
	return { busy: (total - idle) / 100, total: total / 100 };
}

/** Process ids whose command line contains every one of `parts` (e.g. a redis-server's port). */
export function pidsOf(...parts: string[]): number[] {
	const found: number[] = [];
	for (const entry of readdirSync('/proc')) {
		const pid = Number(entry);
		if (!Number.isInteger(pid)) continue;
		try {
			const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
			if (parts.every((part) => command.includes(part))) found.push(pid);
		} catch {
			// ended meanwhile
		}
	}
	return found;
}
