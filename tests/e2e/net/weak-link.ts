import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PROFILES, QUEUE_MS, type LinkProfile, type ProfileName } from './profiles';

/**
 * The weak-link harness (issue #18): each person's browser in its own network namespace, joined by
 * a veth pair to a hub namespace, which a veth pair joins to this (the server's) namespace.
 *
 *   root: server on 10.N.0.1 ── hub ── 10.N.k.1 ⇄ 10.N.k.2: person k's namespace (their browser)
 *
 * In the hub, policy routing sends every packet from a veth through the TUN of the impairment relay
 * (relay.py: delay, jitter, burst loss), nftables drops at random and during an outage, and tbf
 * shapes each person's link at both ends. Nothing leaves these namespaces and the root's veth: the
 * root gets only a route to 10.N.0.0/16 through the hub, and forwards nothing itself.
 *
 * Everything has the prefix `cgwl<slot>`; a slot is claimed by a pid file, and a slot whose owner is
 * dead (a crashed run) is cleaned up by the next run that finds it.
 */
export type WeakLinks = {
	/** The address to serve on (HOST), in this namespace, reached from every person's namespace. */
	serverHost: string;
	people: Record<string, Person>;
	/** Drops every packet of one person's link both ways (on) or stops (off). */
	outage: (person: string, on: boolean) => void;
	/** The relay's counters: packets read, written, lost in bursts, held now. */
	relayStats: () => Promise<{
		read: number;
		written: number;
		burstLost: number;
		held: number;
		/** How late the relay let packets go, past their delay: the machine's scheduling. */
		lateMsMax: number;
		lateMsTotal: number;
	}>;
	close: () => Promise<void>;
};

export type Person = {
	namespace: string;
	address: string;
	profile: LinkProfile;
	/** An executable that runs Chromium in this person's namespace (for Playwright's executablePath). */
	chromium: string;
	/** Runs a command in this person's namespace. */
	run: (command: string, args: string[]) => ChildProcess;
};

const PREFIX = 'cgwl';
const SLOTS = 40;
const TABLE = '100';
const RELAY = new URL('./relay.py', import.meta.url).pathname;
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';

export const isRoot = () => process.getuid?.() === 0;

/** Runs a command, throwing with its own words (stderr) when it fails. */
function run(command: string, args: string[], input?: string) {
	try {
		execFileSync(command, args, {
			input,
			stdio: [input === undefined ? 'ignore' : 'pipe', 'ignore', 'pipe']
		});
	} catch (error) {
		const said = (error as { stderr?: Buffer }).stderr?.toString().trim();
		throw new Error(`The weak-link harness failed at \`${command} ${args.join(' ')}\`: ${said || error}`);
	}
}
const ip = (...args: string[]) => run('ip', args);
const inNs = (ns: string, command: string, args: string[], input?: string) =>
	run('ip', ['netns', 'exec', ns, command, ...args], input);

export const slotFile = (slot: number) => join(tmpdir(), `${PREFIX}-slot-${slot}.pid`);
const alive = (pid: number) => {
	try {
		process.kill(pid, 0);
		return true;
	} catch {
		return false;
	}
};

function namespaces(): string[] {
	return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
		.split('\n')
		.map((line) => line.split(' ')[0] ?? '')
		.filter((name) => name.startsWith(PREFIX));
}

/** Removes a slot's namespaces (their veths go with them) and its root veth. */
function removeSlot(slot: number) {
	for (const ns of namespaces().filter((n) => n.startsWith(`${PREFIX}${slot}-`))) {
		try {
			ip('netns', 'del', ns);
		} catch {
			// gone meanwhile
		}
	}
	try {
		ip('link', 'del', `${PREFIX}${slot}`);
	} catch {
		// went with the hub
	}
}

const owner = (slot: number) => {
	try {
		return Number(readFileSync(slotFile(slot), 'utf8')) || 0;
	} catch {
		return 0;
	}
};

/** Removes every slot whose owner is gone (a run that crashed, or was killed). */
export function removeStaleSlots() {
	const taken = new Set(namespaces().map((ns) => Number(/^cgwl(\d+)-/.exec(ns)?.[1])));
	for (let slot = 0; slot < SLOTS; slot++) {
		const pid = owner(slot);
		if (pid && alive(pid)) continue;
		if (taken.has(slot)) removeSlot(slot);
		rmSync(slotFile(slot), { force: true });
	}
}

/** Claims a free slot, after cleaning up the slots of runs that died. */
function claimSlot(): number {
	removeStaleSlots();
	for (let slot = 0; slot < SLOTS; slot++) {
		try {
			closeSync(openSync(slotFile(slot), 'wx'));
		} catch {
			continue; // taken
		}
		writeFileSync(slotFile(slot), String(process.pid));
		return slot;
	}
	throw new Error(`All ${SLOTS} weak-link slots are taken by running tests; wait for one to end.`);
}

function tbf(ns: string, dev: string, kbit: number) {
	const bytesPerSecond = (kbit * 1000) / 8;
	const burst = Math.max(3_200, Math.round(bytesPerSecond * 0.004));
	inNs(ns, 'tc', [
		'qdisc', 'replace', 'dev', dev, 'root', 'tbf',
		'rate', `${kbit}kbit`, 'burst', String(burst), 'latency', `${QUEUE_MS}ms`
	]); // prettier-ignore
}

/** One person's random loss and the outage, per direction, as nftables rules in the hub. */
function nftRules(hubDevs: { dev: string; profile: LinkProfile }[]): string {
	const per = (percent: number) => Math.round(percent * 100);
	const random = hubDevs.flatMap(({ dev, profile }) =>
		profile.randomLossPercent > 0
			? [
					// Up: from the person into the hub (its first pass; the second comes from the TUN).
					`iifname "${dev}" numgen random mod 10000 < ${per(profile.randomLossPercent)} counter drop`,
					// Down: from the hub out to the person.
					`oifname "${dev}" numgen random mod 10000 < ${per(profile.randomLossPercent)} counter drop`
				]
			: []
	);
	return `
table inet ${PREFIX} {
	set outage { type ifname; }
	chain forward {
		type filter hook forward priority 0; policy accept;
		iifname @outage drop
		oifname @outage drop
		${random.join('\n\t\t')}
	}
}
`;
}

export async function createWeakLinks({
	people: wanted,
	seed = 1
}: {
	/** Each person's profile, by a short name (at most 8 letters: it names their veth). */
	people: Record<string, ProfileName | LinkProfile>;
	seed?: number;
}): Promise<WeakLinks> {
	if (!isRoot()) throw new Error('The weak-link harness makes network namespaces, which needs root.');
	const slot = claimSlot();
	const net = `10.${200 + slot}`;
	const hub = `${PREFIX}${slot}-hub`;
	const rootDev = `${PREFIX}${slot}`;
	const scratch = mkdtempSync(join(tmpdir(), `${PREFIX}${slot}-`));
	let relay: ChildProcess | undefined;
	const undo = async () => {
		if (relay && relay.exitCode === null && relay.signalCode === null) {
			const exited = new Promise((r) => relay!.once('exit', r));
			relay.stdin?.end();
			const timer = setTimeout(() => relay!.kill('SIGKILL'), 2_000);
			await exited;
			clearTimeout(timer);
		}
		removeSlot(slot);
		rmSync(scratch, { recursive: true, force: true });
		rmSync(slotFile(slot), { force: true });
	};
	try {
		ip('netns', 'add', hub);
		ip('link', 'add', rootDev, 'type', 'veth', 'peer', 'name', 'srv', 'netns', hub);
		ip('addr', 'add', `${net}.0.1/24`, 'dev', rootDev);
		ip('link', 'set', rootDev, 'up');
		ip('route', 'add', `${net}.0.0/16`, 'via', `${net}.0.2`, 'dev', rootDev);
		ip('-n', hub, 'addr', 'add', `${net}.0.2/24`, 'dev', 'srv');
		ip('-n', hub, 'link', 'set', 'srv', 'up');
		ip('-n', hub, 'link', 'set', 'lo', 'up');
		for (const [key, value] of [
			['net.ipv4.ip_forward', '1'],
			['net.ipv4.conf.all.rp_filter', '0'],
			['net.ipv4.conf.default.rp_filter', '0'],
			['net.ipv4.conf.all.send_redirects', '0'],
			['net.ipv6.conf.all.disable_ipv6', '1']
		])
			inNs(hub, 'sysctl', ['-qw', `${key}=${value}`]);

		const people: Record<string, Person> = {};
		const links: { net: string; up: object; down: object }[] = [];
		const hubDevs: { dev: string; profile: LinkProfile }[] = [];
		for (const [index, [name, choice]] of Object.entries(wanted).entries()) {
			if (!/^[a-z0-9]{1,8}$/.test(name))
				throw new Error(`A person's name must be 1–8 letters or digits: ${name}`);
			const profile: LinkProfile = typeof choice === 'string' ? PROFILES[choice] : choice;
			const ns = `${PREFIX}${slot}-${name}`;
			const dev = `p-${name}`;
			const subnet = `${net}.${index + 1}`;
			ip('netns', 'add', ns);
			ip('-n', hub, 'link', 'add', dev, 'type', 'veth', 'peer', 'name', 'wan', 'netns', ns);
			ip('-n', hub, 'addr', 'add', `${subnet}.1/24`, 'dev', dev);
			ip('-n', hub, 'link', 'set', dev, 'up');
			ip('-n', ns, 'addr', 'add', `${subnet}.2/24`, 'dev', 'wan');
			ip('-n', ns, 'link', 'set', 'wan', 'up');
			ip('-n', ns, 'link', 'set', 'lo', 'up');
			ip('-n', ns, 'route', 'add', 'default', 'via', `${subnet}.1`);
			inNs(ns, 'sysctl', ['-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
			ip('-n', hub, 'rule', 'add', 'iif', dev, 'lookup', TABLE);
			tbf(ns, 'wan', profile.upKbit);
			tbf(hub, dev, profile.downKbit);
			const direction = {
				delayMs: profile.delayMs,
				jitterMs: profile.jitterMs,
				burst: profile.burst ?? null
			};
			links.push({ net: subnet, up: direction, down: direction });
			hubDevs.push({ dev, profile });
			const chromium = join(scratch, `chromium-${name}`);
			writeFileSync(chromium, `#!/bin/sh\nexec ip netns exec ${ns} ${CHROME} "$@"\n`);
			chmodSync(chromium, 0o755);
			people[name] = {
				namespace: ns,
				address: `${subnet}.2`,
				profile,
				chromium,
				run: (command, args) => spawn('ip', ['netns', 'exec', ns, command, ...args], { stdio: 'pipe' })
			};
		}
		// The server's side crosses the relay too, unimpaired, so its packets to a person get their downlink.
		ip('-n', hub, 'rule', 'add', 'iif', 'srv', 'lookup', TABLE);
		inNs(hub, 'nft', ['-f', '-'], nftRules(hubDevs));

		const started = spawn(
			'ip',
			// Real-time priority: the relay is the network, and must not wait behind a busy machine's
			// other work (it sleeps in select() between packets, so it takes little of a core).
			[
				'netns',
				'exec',
				hub,
				'chrt',
				'-f',
				'20',
				'/usr/bin/python3',
				RELAY,
				JSON.stringify({ tun: 'wl', seed, links })
			],
			{ stdio: ['pipe', 'pipe', 'pipe'] }
		);
		relay = started;
		const lines = createInterface({ input: started.stdout! });
		const waiting: ((line: string) => void)[] = [];
		let errors = '';
		started.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
		lines.on('line', (line) => waiting.shift()?.(line));
		const nextLine = () =>
			new Promise<string>((resolve, reject) => {
				waiting.push(resolve);
				started.once('exit', (code) => reject(new Error(`The impairment relay exited (${code}): ${errors}`)));
			});
		if ((await nextLine()) !== 'ready') throw new Error(`The impairment relay did not start: ${errors}`);
		ip('-n', hub, 'addr', 'add', `${net}.255.1/32`, 'dev', 'wl');
		ip('-n', hub, 'link', 'set', 'wl', 'up');
		inNs(hub, 'sysctl', ['-qw', 'net.ipv4.conf.wl.rp_filter=0']);
		ip('-n', hub, 'route', 'add', 'default', 'dev', 'wl', 'table', TABLE);

		let closed = false;
		// Also when the run is interrupted (Ctrl-C, a timeout's SIGTERM): the next run would clean up,
		// but a person's namespace should not outlive the run that made it.
		const onExit = () => removeSlot(slot);
		const onSignal = (signal: NodeJS.Signals) => {
			removeSlot(slot);
			process.kill(process.pid, signal);
		};
		process.once('exit', onExit);
		process.once('SIGINT', onSignal);
		process.once('SIGTERM', onSignal);
		return {
			serverHost: `${net}.0.1`,
			people,
			outage(person, on) {
				if (!people[person]) throw new Error(`No such person on the weak links: ${person}`);
				inNs(hub, 'nft', [on ? 'add' : 'delete', 'element', 'inet', PREFIX, 'outage', `{ "p-${person}" }`]);
			},
			async relayStats() {
				started.stdin!.write('stats\n');
				return JSON.parse(await nextLine()) as Awaited<ReturnType<WeakLinks['relayStats']>>;
			},
			async close() {
				if (closed) return;
				closed = true;
				process.off('exit', onExit);
				process.off('SIGINT', onSignal);
				process.off('SIGTERM', onSignal);
				await undo();
			}
		};
	} catch (error) {
		await undo();
		throw error;
	}
}
