import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import * as v from 'valibot';
import { Mailbox } from '../../../src/lib/contracts/dev.ts';
import type { AppDeps } from '../deps.ts';
import type { AppEnv } from '../http/context.ts';
import { AppError } from '../http/errors.ts';
import { fromThisMachine } from '../http/loopback.ts';
import { escapeHtml } from '../mail/templates.ts';
import type { OutboxMessage } from '../store/types.ts';

const LIMIT = 200;

/**
 * Development only (createApp mounts these only when NODE_ENV is development or test): read the
 * mail the server "sent". It holds every sign-in link, so it answers only this machine: on a
 * server started with the defaults (HOST=0.0.0.0), anyone else gets the same 404 as for any
 * unknown address (issue #13).
 */
function thisMachineOnly() {
	return new Hono<AppEnv>().use('*', async (c, next) => {
		if (!fromThisMachine(c)) throw new AppError('not_found', 'There is nothing at this address.');
		await next();
	});
}

export function devMailboxApiRoutes({ store }: AppDeps) {
	return thisMachineOnly().get('/mailbox', async (c) => {
		const messages = await store.mail.list({ limit: LIMIT, to: c.req.query('to') });
		return c.json(
			v.parse(
				Mailbox,
				messages.map(({ id, to, subject, text, createdAt, sendAfter, attachments }) => ({
					id,
					to,
					subject,
					text,
					createdAt,
					sendAfter,
					attachments
				}))
			)
		);
	});
}

export function devMailboxPageRoutes({ store }: AppDeps) {
	return thisMachineOnly().get('/mailbox', async (c) => {
		const messages = await store.mail.list({ limit: LIMIT, to: c.req.query('to') });
		c.header('Cache-Control', 'no-store');
		return c.html(page(messages));
	});
}

function page(messages: OutboxMessage[]) {
	return html`<!doctype html>
		<html lang="en">
			<head>
				<meta charset="utf-8" />
				<meta name="viewport" content="width=device-width, initial-scale=1" />
				<title>Dev mailbox · Common Ground</title>
				<style>
					body {
						font:
							16px/1.5 system-ui,
							sans-serif;
						max-width: 48rem;
						margin: 2rem auto;
						padding: 0 1rem;
					}
					article {
						border: 1px solid #ccc;
						border-radius: 8px;
						padding: 0.5rem 1rem;
						margin: 1rem 0;
					}
					pre {
						white-space: pre-wrap;
						font: inherit;
					}
					.meta {
						color: #555;
						font-size: 0.9rem;
					}
				</style>
			</head>
			<body>
				<h1>Dev mailbox</h1>
				<p>Mail the server would have sent (newest first). Only shown when NODE_ENV is not production.</p>
				${messages.length === 0 ? html`<p>No mail yet. Sign up in the app and reload this page.</p>` : ''}
				${messages.map(
					(m) =>
						html`<article>
							<h2>${m.subject}</h2>
							<p class="meta">
								To ${m.to} · ${m.createdAt}${m.sendAfter ? html` · not before ${m.sendAfter}` : ''}
							</p>
							<pre>${raw(linkify(m.text))}</pre>
							${m.attachments.map(
								(a) =>
									html`<details>
										<summary>Attachment: ${a.filename} (${a.contentType})</summary>
										<pre>${a.content}</pre>
									</details>`
							)}
						</article>`
				)}
			</body>
		</html>`;
}

function linkify(text: string): string {
	return escapeHtml(text).replace(/https?:\/\/[^\s<]+/g, (url) => `<a href="${url}">${url}</a>`);
}
