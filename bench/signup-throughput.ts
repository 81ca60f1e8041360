import autocannon from 'autocannon';
import type { Figure } from './figure';
import { validQuestionnaire } from './questionnaire';

const DURATION_S = 8;

export async function autocannonRun(options: autocannon.Options): Promise<autocannon.Result> {
	return new Promise((resolve, reject) =>
		autocannon(options, (error, result) => (error ? reject(error) : resolve(result)))
	);
}

/**
 * Sign-ups for `durationS` seconds from `connections` connections, each a new person with a new
 * mutation id; throws if any was refused or failed, since a failed sign-up would flatter the figure.
 */
export async function sendSignups({
	url,
	communityId,
	connections = 32,
	durationS = DURATION_S
}: {
	url: string;
	communityId: string;
	connections?: number;
	durationS?: number;
}): Promise<autocannon.Result> {
	let n = 0;
	const run = crypto.randomUUID().slice(0, 8);
	const signups = await autocannonRun({
		url: `${url}/api/mutations`,
		connections,
		duration: durationS,
		requests: [
			{
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				setupRequest: (request) => {
					n += 1;
					const payload = validQuestionnaire({ communityId, email: `bench.${n}.${run}@example.org` });
					return { ...request, body: JSON.stringify({ id: crypto.randomUUID(), type: 'signup', payload }) };
				}
			}
		]
	});
	const failed = signups.non2xx + signups.errors;
	if (failed > 0) throw new Error(`${failed} of ${signups.requests.total} sign-ups failed during the bench.`);
	return signups;
}

/**
 * Sign-up submissions per second on loopback against the same server's /api/health in the same run
 * as the reference ceiling of the HTTP stack.
 */
export async function signupThroughput({
	url,
	communityId,
	cpuSeconds
}: {
	url: string;
	communityId: string;
	cpuSeconds: () => number;
}): Promise<Figure[]> {
	const cpuBefore = cpuSeconds();
	const signups = await sendSignups({ url, communityId });
	const cpuUsed = cpuSeconds() - cpuBefore;
	const health = await autocannonRun({ url: `${url}/api/health`, connections: 32, duration: DURATION_S });
	const perSecond = Math.round(signups.requests.average);
	const reference = Math.round(health.requests.average);
	return [
		{ name: 'signup_submissions_per_s', value: perSecond, unit: 'req/s', goal: '≥ 1500/s' },
		{ name: 'health_requests_per_s', value: reference, unit: 'req/s' },
		{
			name: 'signup_vs_health_ratio',
			value: Math.round((perSecond / reference) * 100) / 100,
			unit: 'ratio'
		},
		{ name: 'signup_p99_latency_ms', value: signups.latency.p99, unit: 'ms' },
		// The server is one Node process (one core); this is what it takes per second of its own CPU,
		// whatever else the machine (the load generator, other work) was doing at the time.
		{
			name: 'signup_per_server_cpu_second',
			value: Math.round(signups.requests.total / cpuUsed),
			unit: 'req/cpu-s',
			goal: '≥ 1500'
		}
	];
}
