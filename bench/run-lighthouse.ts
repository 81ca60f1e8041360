// `npx tsx bench/run-lighthouse.ts`: only the Lighthouse audit of the main routes, without the rest of `npm run bench`.
import { lighthouseScores } from './lighthouse';
import { describeAudit } from './lighthouse-result';
import { startBenchServer } from './server';

const server = await startBenchServer();
try {
	const audit = await lighthouseScores({ app: server.app });
	for (const row of audit.details) console.log(describeAudit(row));
	console.table(
		Object.fromEntries(
			audit.figures.map((f) => [f.name, { value: f.value, goal: f.goal, error: f.error ?? '' }])
		)
	);
	if (audit.figures.some((f) => f.error)) process.exitCode = 1;
} finally {
	await server.stop();
}
