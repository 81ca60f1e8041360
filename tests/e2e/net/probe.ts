import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { expectedLoss, type LinkProfile } from './profiles';
import type { Person } from './weak-link';

const ENDS = new URL('./probe-ends.mjs', import.meta.url).pathname;
const PORT = 47_000;
/** Real-time priority for both ends, as for the relay: they measure the network, not the machine. */
const RT = ['-f', '20', process.execPath, ENDS];

/** One way of a link as the probes saw it: one-way delays (ms) and the share of probes lost. */
export type ProbedWay = {
	sent: number;
	arrived: number;
	loss: number;
	meanMs: number;
	p5Ms: number;
	p95Ms: number;
};
export type ProbedLink = { down: ProbedWay; up: ProbedWay };

/**
 * Ping-like UDP probes from the server's address to a person's namespace and back (issue #18):
 * `packets` of 64 bytes at `perSecond` (probe-ends.mjs). The far end stamps each on arrival, on the
 * same monotonic clock, so delay and loss are measured each way, not as a round trip.
 */
export async function probeLink({
	person,
	from,
	packets = 1_500,
	perSecond = 200
}: {
	person: Person;
	/** The address to send from: the server's (WeakLinks.serverHost). */
	from: string;
	packets?: number;
	perSecond?: number;
}): Promise<ProbedLink> {
	const reflector = person.run('chrt', [...RT, 'reflect', String(PORT)]);
	const lines = createInterface({ input: reflector.stdout! });
	const next = () =>
		new Promise<string>((resolve, reject) => {
			lines.once('line', resolve);
			reflector.once('exit', (code) => reject(new Error(`The probe reflector exited (${code}).`)));
		});
	try {
		if ((await next()) !== 'ready') throw new Error('The probe reflector did not start.');
		const sender = spawn(
			'chrt',
			[...RT, 'send', from, person.address, String(PORT), String(packets), String(perSecond)],
			{ stdio: ['ignore', 'pipe', 'inherit'] }
		);
		let output = '';
		sender.stdout.on('data', (d: Buffer) => (output += d.toString()));
		// 'close', not 'exit': a process can exit before its piped stdout has all been read here.
		const code = await new Promise((r) => sender.once('close', r));
		if (code !== 0) throw new Error(`The probe sender failed (${code}).`);
		const { sent, down, up } = JSON.parse(output) as { sent: number; down: number[]; up: number[] };
		const report = next();
		reflector.stdin!.end();
		const { received } = JSON.parse(await report) as { received: number };
		return { down: way(sent, received, down), up: way(received, up.length, up) };
	} finally {
		reflector.kill();
	}
}

function way(sent: number, arrived: number, delays: number[]): ProbedWay {
	const sorted = [...delays].sort((a, b) => a - b);
	const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
	const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
	return {
		sent,
		arrived,
		loss: sent ? 1 - arrived / sent : NaN,
		meanMs: mean,
		p5Ms: at(0.05),
		p95Ms: at(0.95)
	};
}

/**
 * The variance of one probe's loss, times the probes: the random drops' p(1 − p), plus the bursts',
 * whose losses come in runs: a Gilbert–Elliott chain with lag-one correlation ρ = 1 − q − r has
 * π(1 − π)(1 + ρ)/(1 − ρ).
 */
function lossVariance(profile: LinkProfile): number {
	const p = profile.randomLossPercent / 100;
	let variance = p * (1 - p);
	if (profile.burst) {
		const share = profile.burst.percent / 100;
		const leave = 1 / profile.burst.meanPackets;
		const rho = 1 - (share / (1 - share)) * leave - leave;
		variance += share * (1 - share) * ((1 + rho) / (1 - rho));
	}
	return variance;
}

/**
 * What is wrong with a probed link against its profile (empty when it matches). Tolerances: the
 * mean delay within 8 ms (the relay's and the loaded machine's scheduling) plus half the jitter (a
 * few seconds see only a few of its wanderings); the spread p5–p95 at least half the jitter's range
 * and at most all of it plus 10 ms; the loss within five standard deviations (bursts have heavy
 * tails), and at least 0.5 point.
 */
export function mismatches(link: ProbedLink, profile: LinkProfile): string[] {
	const problems: string[] = [];
	const loss = expectedLoss(profile);
	for (const [name, w] of Object.entries(link) as [string, ProbedWay][]) {
		const delayTolerance = 8 + profile.jitterMs / 2;
		if (Math.abs(w.meanMs - profile.delayMs) > delayTolerance)
			problems.push(
				`${name}: mean delay ${w.meanMs.toFixed(1)} ms, not ${profile.delayMs} ± ${delayTolerance} ms`
			);
		const spread = w.p95Ms - w.p5Ms;
		const most = 2 * profile.jitterMs + 10;
		const least = profile.jitterMs / 2;
		if (spread > most || spread < least)
			problems.push(`${name}: delay spread p5–p95 ${spread.toFixed(1)} ms, not within ${least}–${most} ms`);
		const sigma = Math.sqrt(lossVariance(profile) / Math.max(1, w.sent));
		const lossTolerance = Math.max(0.005, 5 * sigma);
		if (Math.abs(w.loss - loss) > lossTolerance)
			problems.push(
				`${name}: lost ${(w.loss * 100).toFixed(2)}% of ${w.sent} probes, not ${(loss * 100).toFixed(2)} ± ${(lossTolerance * 100).toFixed(2)}%`
			);
	}
	return problems;
}

/** Probes every person's link at once and throws, saying what differs, unless each matches its profile. */
export async function checkLinks({
	people,
	from,
	packets
}: {
	people: Record<string, Person>;
	from: string;
	packets?: number;
}): Promise<Record<string, ProbedLink>> {
	const entries = await Promise.all(
		Object.entries(people).map(
			async ([name, person]) => [name, await probeLink({ person, from, packets })] as const
		)
	);
	const problems = entries.flatMap(([name, link]) =>
		mismatches(link, people[name]!.profile).map((p) => `${name} ${p}`)
	);
	if (problems.length > 0)
		throw new Error(`The shaped links do not match their profiles:\n${problems.join('\n')}`);
	return Object.fromEntries(entries);
}
