// `npm run bench`: prints a table of figures; `npm run bench -- --json` prints [{name, value, unit}].
import { afterCallFigures } from './after-call';
import { callAndRecording } from './call';
import { firstVisit } from './first-visit';
import { kioskFigures } from './kiosk';
import { lighthouseScores } from './lighthouse';
import { describeAudit } from './lighthouse-result';
import { plainLanguage } from './plain-language';
import { matchingFigures } from './matching';
import { mediaFigures } from './media';
import { signupThroughput } from './signup-throughput';
import { postgresSignupThroughput } from './signup-postgres';
import { instancesSignupThroughput } from './signup-instances';
import { startBenchServer } from './server';
import { weakLinkFigures } from './weak-link';
import { yjsRooms } from './yjs/rooms';
import { yjsInstances } from './yjs/instances';
import type { Figure } from './figure';

const json = process.argv.includes('--json');
const log = (line: string) => (json ? process.stderr : process.stdout).write(`${line}\n`);

const figures: Figure[] = [];
// First, before any server or browser shares the machine: the figure is "on one core".
log('Matching 10,000 participants across 10 communities…');
figures.push(...matchingFigures());
const server = await startBenchServer();
try {
	log('Measuring the first visit in Chromium…');
	figures.push(...(await firstVisit({ url: server.url })));
	log('Measuring sign-up submissions with autocannon…');
	figures.push(
		...(await signupThroughput({
			url: server.url,
			communityId: await server.communityId(),
			cpuSeconds: server.cpuSeconds
		}))
	);
	// Issue #17: the same load with DATABASE_URL, right after, so both rows share the machine's state.
	log('Measuring sign-up submissions on PostgreSQL with autocannon…');
	figures.push(...(await postgresSignupThroughput()));
	log('Measuring sign-ups through HAProxy, two instances against one, over PostgreSQL and Redis…');
	figures.push(...(await instancesSignupThroughput({ log })));
	log('Auditing the main routes with Lighthouse…');
	const audit = await lighthouseScores({ app: server.app });
	for (const row of audit.details) log(`  ${describeAudit(row)}`);
	figures.push(...audit.figures);
	figures.push(...plainLanguage());
	log(
		`Measuring a call and its recording between two Chromium browsers (${process.env.BENCH_RECORDING_MINUTES ?? 10} min)…`
	);
	figures.push(...(await callAndRecording({ app: server.app })));
	log('Measuring encoding in Chromium, the share track, and stop → copy over 1 Mbit/s (10 min)…');
	figures.push(...(await afterCallFigures()));
	log("Measuring a kiosk visitor's sealed recording in Chromium (encoded before sealing)…");
	figures.push(...(await kioskFigures()));
	log('Measuring the server mixdown…');
	figures.push(...(await mediaFigures()));
} finally {
	await server.stop();
}
// Issue #18: calls over shaped links (network namespaces; needs root), each profile in turn.
log(
	`Measuring calls over shaped links (good, 3g, lossy, bad; ${process.env.BENCH_WEAK_LINK_SECONDS ?? 40} s each)…`
);
figures.push(...(await weakLinkFigures({ staticDir: 'build', log })));
// Issue #4: the question lists' /yjs server against Hocuspocus and @y/websocket-server.
const yjsRoomCount = Number(process.env.BENCH_YJS_ROOMS ?? 1000);
log(`Measuring /yjs with ${yjsRoomCount} rooms against the reference servers…`);
figures.push(...(await yjsRooms({ rooms: yjsRoomCount, log })));
// Issue #17: the same rooms with partners on two instances sharing a store and Redis.
figures.push(...(await yjsInstances({ rooms: yjsRoomCount, log })));

if (json) {
	process.stdout.write(
		`${JSON.stringify(
			figures.map(({ name, value, unit, error }) => ({ name, value, unit, ...(error ? { error } : {}) })),
			null,
			2
		)}\n`
	);
} else {
	console.table(
		Object.fromEntries(
			figures.map((f) => [f.name, { value: f.value, unit: f.unit, goal: f.goal ?? '', error: f.error ?? '' }])
		)
	);
}
// A figure that could not be measured fails the run, after everything else was printed.
if (figures.some((f) => f.error)) process.exitCode = 1;
