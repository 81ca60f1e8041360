import { execFileSync } from 'node:child_process';
import type { AppServer } from './server';

export type DemoOutput = {
	baseUrl: string;
	coordinator: { signInUrl: string };
	participants: { id: string; firstName: string; signInUrl: string }[];
	partnerOrganizations: { name: string; inviteUrl: string }[];
	conversations: { id: string; participantIds: [string, string] }[];
};

/** Seeds the demo data into a running test server's DATA_DIR, exactly as `npm run demo -- --json` does. */
export function seedDemo(app: AppServer): DemoOutput {
	const stdout = execFileSync(
		process.execPath,
		['--import', 'tsx', 'sync-server/src/cli/demo.ts', '--json'],
		{
			env: { ...process.env, DATA_DIR: app.dataDir, PUBLIC_URL: app.url, NODE_ENV: 'test' },
			encoding: 'utf8'
		}
	);
	return JSON.parse(stdout) as DemoOutput;
}
