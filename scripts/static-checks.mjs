// `npm test`'s first layers, lint and types, side by side on the machine's cores (issue #16: CI in 20
// minutes). The generated files (paraglide's messages, SvelteKit's types) are made once, first, so the
// two never read them half-written; then Prettier, ESLint and the type checks run at once. Each
// one's output is printed whole when it ends, and the run fails if any of them failed.
// `npm run lint` and `npm run check` stay the commands to run one layer alone.
import { spawn } from 'node:child_process';

const run = (label, command, args) =>
	new Promise((resolve) => {
		const started = Date.now();
		const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], shell: false });
		let output = '';
		child.stdout.on('data', (d) => (output += d));
		child.stderr.on('data', (d) => (output += d));
		child.on('close', (code) => {
			const seconds = ((Date.now() - started) / 1000).toFixed(0);
			process.stdout.write(`\n── ${label}: ${code === 0 ? 'passed' : 'FAILED'} in ${seconds} s\n${output}`);
			resolve(code === 0);
		});
	});

const npx = (label, ...args) => run(label, 'npx', ['--no-install', ...args]);

const generated =
	(await run('paraglide messages', 'npm', ['run', 'i18n', '--silent'])) &&
	(await npx('SvelteKit types', 'svelte-kit', 'sync'));
if (!generated) process.exit(1);

// Two lanes of about equal length (fresh-clone CI: ESLint 77 s; svelte-check 34 s, the two tsc runs
// 28 s and Prettier 22 s). Every check runs even when an earlier one failed, so one run names all.
const lane = async (...checks) => {
	let ok = true;
	for (const check of checks) ok = (await check()) && ok;
	return ok;
};
const results = await Promise.all([
	lane(() => npx('ESLint', 'eslint', '.')),
	lane(
		() => npx('svelte-check', 'svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings'),
		() => npx('service worker types', 'tsc', '-p', 'src/service-worker/tsconfig.json'),
		() => npx('server types', 'tsc', '-p', 'sync-server/tsconfig.json', '--noEmit'),
		() => npx('Prettier', 'prettier', '--check', '.')
	)
]);
process.exit(results.every(Boolean) ? 0 : 1);
