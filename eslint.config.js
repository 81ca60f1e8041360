import js from '@eslint/js';
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

// ── Layers (issue #16) ─────────────────────────────────────────────────────────────────────────────
// Which folders a layer may import from is checked on the resolved path of each import, since one file
// is "../x" from one folder and "../../x" from another; the packages it may not use, by name.

const root = dirname(fileURLToPath(import.meta.url));
const ALIASES = { $lib: 'src/lib', $core: 'src/lib/core', $contracts: 'src/lib/contracts' };
const withoutExtension = (path) => path.replace(/\.(ts|js|svelte)$/, '');

/** The repository path an import names, or undefined for a package. */
function importedPath(specifier, fromFile) {
	if (specifier.startsWith('.'))
		return relative(root, resolve(dirname(fromFile), specifier))
			.split(sep)
			.join('/');
	const alias = Object.keys(ALIASES).find((a) => specifier === a || specifier.startsWith(`${a}/`));
	return alias ? ALIASES[alias] + specifier.slice(alias.length) : undefined;
}

const layers = {
	rules: {
		'imports-within': {
			meta: {
				type: 'problem',
				docs: {
					description: 'A layer imports files only from the folders (ending in /) and files it lists.'
				},
				schema: [
					{
						type: 'object',
						properties: { allow: { type: 'array', items: { type: 'string' } }, why: { type: 'string' } },
						required: ['allow', 'why'],
						additionalProperties: false
					}
				]
			},
			create(context) {
				const { allow, why } = context.options[0];
				const allowed = (path) =>
					allow.some((entry) =>
						entry.endsWith('/') ? path.startsWith(entry) : withoutExtension(path) === withoutExtension(entry)
					);
				const check = (node) => {
					const specifier = node.source?.value;
					if (typeof specifier !== 'string') return;
					const path = importedPath(specifier, context.filename);
					if (path !== undefined && !allowed(path))
						context.report({
							node: node.source,
							message: `'${specifier}' (${path}) is outside this layer. ${why}`
						});
				};
				return {
					ImportDeclaration: check,
					ExportNamedDeclaration: check,
					ExportAllDeclaration: check,
					ImportExpression: check
				};
			}
		}
	}
};

const NODE_BUILTINS = [`^node:`, `^(${builtinModules.filter((m) => !m.startsWith('_')).join('|')})(/|$)`];
const CLIENT_ONLY = [
	{ regex: '^dexie$', message: 'Dexie is the device database: the client holds it.' },
	{ regex: '^(yjs|y-[\\w-]+|lib0)(/|$)', message: 'Yjs documents are I/O: the sync layer holds them.' },
	{ regex: '^svelte(/|$)|^\\$app/|^\\$env/', message: 'Svelte and SvelteKit belong to the UI.' }
];
const corePackages = (nodeToo) => [
	'error',
	{
		patterns: [
			...CLIENT_ONLY,
			...(nodeToo
				? NODE_BUILTINS.map((regex) => ({
						regex,
						message: 'Core runs in the browser and on the server: no node:*.'
					}))
				: [])
		]
	}
];
const coreLayer = [
	'error',
	{
		allow: ['src/lib/core/', 'src/lib/contracts/'],
		why: 'src/lib/core is pure: it imports only core and the contracts.'
	}
];
const NO_IO_GLOBALS = ['fetch', 'XMLHttpRequest', 'WebSocket', 'EventSource', 'indexedDB'].map((name) => ({
	name,
	message: 'src/lib/core does no I/O: take the result as an argument, and let the caller fetch or store it.'
}));

export default ts.config(
	{
		ignores: [
			'static/ffmpeg/',
			'build/',
			'.svelte-kit/',
			'node_modules/',
			'data/',
			'test-results/',
			'playwright-report/',
			'src/lib/paraglide/',
			'tests/e2e/.tmp/'
		]
	},
	js.configs.recommended,
	...ts.configs.recommended,
	...svelte.configs.recommended,
	{ languageOptions: { globals: { ...globals.browser, ...globals.node } } },
	{
		files: ['**/*.ts', '**/*.svelte', '**/*.svelte.ts'],
		languageOptions: {
			parserOptions: {
				projectService: {
					allowDefaultProject: ['playwright.config.ts', 'svelte.config.js', 'eslint.config.js']
				},
				extraFileExtensions: ['.svelte'],
				parser: ts.parser,
				svelteConfig
			}
		},
		rules: {
			'@typescript-eslint/no-floating-promises': 'error',
			'@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
			'no-undef': 'off',
			// The app is served from the root with no base path, so plain paths are already resolved.
			'svelte/no-navigation-without-resolve': 'off'
		}
	},
	{
		files: ['src/lib/core/**/*.ts'],
		plugins: { layers },
		rules: {
			'layers/imports-within': coreLayer,
			'no-restricted-imports': corePackages(true),
			'no-restricted-globals': ['error', ...NO_IO_GLOBALS]
		}
	},
	{
		// Core's tests run in Node and may read their fixtures with node:fs; the rest holds for them too.
		files: ['src/lib/core/**/*.test.ts'],
		rules: { 'no-restricted-imports': corePackages(false) }
	},
	{
		files: ['sync-server/src/**/*.ts'],
		// Tests and their helpers may import the client modules they run against the server (the kiosk's
		// sealing, the device database, the Yjs provider): they check that both sides agree.
		ignores: ['sync-server/src/**/*.test.ts', 'sync-server/src/test/**'],
		plugins: { layers },
		rules: {
			'layers/imports-within': [
				'error',
				{
					allow: [
						'sync-server/',
						'src/lib/core/',
						'src/lib/contracts/',
						// The one exception, for now: the shared question document's schema, which moves beside
						// the contracts later (issue #16).
						'src/lib/sync/question-doc.ts'
					],
					why: 'The server imports from the client only its core and its contracts.'
				}
			],
			'no-restricted-imports': [
				'error',
				{
					patterns: [
						{ regex: '^dexie$', message: 'Dexie is the device database: the client holds it.' },
						{ regex: '^svelte(/|$)|^\\$app/|^\\$env/', message: 'Svelte and SvelteKit belong to the UI.' }
					]
				}
			]
		}
	}
);
