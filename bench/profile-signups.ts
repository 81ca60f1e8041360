// `npx tsx bench/profile-signups.ts [sqlite|postgres]`: the sign-up load of bench/signup-throughput.ts
// against one server process started with `--cpu-prof`, then where that process's CPU went, by
// function (self time) and by the module it lives in. The profile stays in the printed folder, for
// Chromium's DevTools (Performance → load profile). Issue #17: find what a sign-up spends.
import { readdirSync, readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TMP } from '../tests/e2e/paths';
import { startAppServer } from '../tests/e2e/server';
import { postgresServerEnv, startBenchPostgres } from './signup-postgres';
import { sendSignups } from './signup-throughput';

type Node = {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
};
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

const HOOK = fileURLToPath(new URL('./cpu-profile-hook.mjs', import.meta.url));
const engine = process.argv[2] === 'postgres' ? 'postgres' : 'sqlite';
const profileDir = mkdtempSync(join(TMP, `profile-${engine}-`));

async function profiledRun(env: Record<string, string>) {
	const app = await startAppServer({
		staticDir: 'build',
		// Node 20 refuses --cpu-prof in NODE_OPTIONS; the hook starts the inspector's profiler instead.
		env: { ...env, NODE_OPTIONS: `--import ${HOOK}`, CG_PROFILE_DIR: profileDir }
	});
	try {
		const communities = (await (await fetch(`${app.url}/api/communities`)).json()) as { id: string }[];
		if (!communities[0]) throw new Error('The profiled server has no community.');
		// A short warm-up (the JIT, the statement caches), then the profiled load.
		await sendSignups({ url: app.url, communityId: communities[0].id, durationS: 2 });
		process.kill(app.pid(), 'SIGUSR2');
		const cpuBefore = app.cpuSeconds();
		const result = await sendSignups({ url: app.url, communityId: communities[0].id });
		const cpu = app.cpuSeconds() - cpuBefore;
		console.log(
			`${Math.round(result.requests.average)} sign-ups/s while profiled, ` +
				`${Math.round(result.requests.total / cpu)} per server CPU-second, p99 ${result.latency.p99} ms`
		);
	} finally {
		// SIGTERM: the server exits by itself, and Node writes the profile as it does.
		await app.stop('SIGTERM');
	}
}

if (engine === 'sqlite') await profiledRun({});
else {
	const postgres = await startBenchPostgres();
	try {
		await profiledRun(await postgresServerEnv(await postgres.createDatabase()));
	} finally {
		await postgres.stop();
	}
}

const file = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`The server wrote no profile to ${profileDir}; did it exit by itself?`);
const profile = JSON.parse(readFileSync(join(profileDir, file), 'utf8')) as Profile;
const parent = new Map<number, Node>();
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node);
const where = (node: Node) => {
	const path = node.callFrame.url.replace(/^file:\/\//, '').replace(`${process.cwd()}/`, '');
	const parts = path.split('/');
	const module = path.startsWith('node_modules/')
		? parts.slice(0, parts[1]?.startsWith('@') ? 3 : 2).join('/')
		: path || `(${node.callFrame.functionName || 'native'})`;
	return {
		path,
		module,
		name: `${node.callFrame.functionName || '(anonymous)'} ${path}:${node.callFrame.lineNumber + 1}`
	};
};
const self = new Map<string, number>();
const modules = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
	const ms = (profile.timeDeltas[i] ?? 0) / 1000;
	total += ms;
	const leaf = byId.get(id);
	if (!leaf) return;
	const at = where(leaf);
	self.set(at.name, (self.get(at.name) ?? 0) + ms);
	modules.set(at.module, (modules.get(at.module) ?? 0) + ms);
	// Inclusive: once per sample for every function of ours on the stack.
	const seen = new Set<string>();
	for (let node: Node | undefined = leaf; node; node = parent.get(node.id)) {
		const frame = where(node);
		if (frame.path.startsWith('sync-server/') || frame.path.startsWith('src/')) seen.add(frame.name);
	}
	for (const name of seen) inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
});
const top = (m: Map<string, number>, n: number) =>
	[...m]
		.sort((a, b) => b[1] - a[1])
		.slice(0, n)
		.map(([k, ms]) => `${((ms / total) * 100).toFixed(1).padStart(5)}%  ${k}`)
		.join('\n');
console.log(`\n${engine}: ${(total / 1000).toFixed(1)} s of samples, profile in ${profileDir}/${file}`);
console.log(`\nBy module (self time):\n${top(modules, 25)}`);
console.log(`\nBy function (self time):\n${top(self, 30)}`);
console.log(`\nOur functions (inclusive):\n${top(inclusive, 40)}`);
