import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import * as v from 'valibot';
import {
	CreatedKiosk,
	EnrolledKiosk,
	KIOSK_TOKEN_HEADER,
	KioskDevice,
	KioskEnrollment,
	KioskOrganizations,
	KioskSummary,
	NewKiosk,
	CHUNK_SHA256_HEADER,
	KIOSK_CHUNK_BYTES,
	SealedItem,
	SealedMutation,
	SealedRecordingCommit,
	SealedRecordingReceipt,
	VisitorGrant
} from '../../../src/lib/contracts/kiosk.ts';
import { bodyLimit } from 'hono/body-limit';
import { fileSealedRecording, receivedChunks, storeChunk } from '../kiosk/sealed-recording.ts';
import { checkGrant, issueGrant } from '../kiosk/visitor-grant.ts';
import { AnyMutationResponse } from '../../../src/lib/contracts/mutations.ts';
import type { AppDeps } from '../deps.ts';
import { clientAddress, type AppEnv } from '../http/context.ts';
import { AppError, MESSAGES, unwrap } from '../http/errors.ts';
import { requireRole, signedInUser } from '../http/session.ts';
import { parseOrThrow, readJson } from '../http/validate.ts';
import { createKiosk, deviceInfo, enrollKiosk, kioskTokenHash } from '../kiosk/enrollment.ts';
import type { Sealer } from '../kiosk/sealing.ts';
import { applyMutation } from '../mutations/apply.ts';
import { kioskCodesKey } from '../auth/sign-in.ts';
import type { KioskRecord, SessionUser } from '../store/types.ts';

const summaryOf =
	(deps: AppDeps) =>
	async (k: KioskRecord): Promise<KioskSummary> =>
		v.parse(KioskSummary, {
			id: k.id,
			label: k.label,
			organizationName: k.organizationName,
			status: k.status,
			enrollmentExpiresAt: k.enrollmentExpiresAt,
			enrolledAt: k.enrolledAt,
			codeFailures: await deps.limiters.kioskCodes.count(kioskCodesKey(k.id))
		});

/** The console side (issue #7): coordinators manage every kiosk, partner staff their organization's. */
export function kioskAdminRoutes(deps: AppDeps) {
	const { store, clock } = deps;
	const summary = summaryOf(deps);
	/** Staff are scoped to their own organization; coordinators see everything. */
	const scope = async (userId: string, role: string) => {
		if (role === 'coordinator') return { partnerOrganizationId: undefined };
		const user = await store.users.findById(userId);
		if (!user?.partnerOrganizationId) throw new AppError('forbidden', MESSAGES.forbidden);
		return { partnerOrganizationId: user.partnerOrganizationId };
	};
	return new Hono<AppEnv>()
		.use(requireRole('coordinator', 'partner_staff'))
		.get('/', async (c) => {
			const me = signedInUser(c);
			const kiosks = await store.kiosks.list(await scope(me.userId, me.role));
			return c.json(await Promise.all(kiosks.map(summary)));
		})
		.get('/organizations', async (c) => {
			const me = signedInUser(c);
			const { partnerOrganizationId: own } = await scope(me.userId, me.role);
			const all = own ? [await store.organizations.findById(own)] : await store.organizations.list();
			const choices = all.filter((o) => o !== undefined).map(({ id, name }) => ({ id, name }));
			return c.json(v.parse(KioskOrganizations, choices));
		})
		.post('/', async (c) => {
			const me = signedInUser(c);
			const { partnerOrganizationId: own } = await scope(me.userId, me.role);
			const body = parseOrThrow(NewKiosk, await readJson(c));
			if (own && body.partnerOrganizationId && body.partnerOrganizationId !== own)
				throw new AppError('forbidden', MESSAGES.forbidden);
			if (
				!own &&
				body.partnerOrganizationId &&
				!(await store.organizations.findById(body.partnerOrganizationId))
			)
				throw new AppError(
					'validation_failed',
					'There is no such partner organization. Reload the page and pick one from the list.',
					{
						fields: { partnerOrganizationId: 'Pick an organization from the list.' }
					}
				);
			const created = await store.transaction((repos) =>
				createKiosk(repos, {
					label: body.label,
					partnerOrganizationId: own ?? body.partnerOrganizationId ?? null,
					createdBy: me.userId,
					now: clock()
				})
			);
			return c.json(
				v.parse(CreatedKiosk, {
					kiosk: await summary(created.kiosk),
					enrollmentCode: created.enrollmentCode
				}),
				201
			);
		})
		.post('/:id/revoke', async (c) => {
			const me = signedInUser(c);
			const { partnerOrganizationId: own } = await scope(me.userId, me.role);
			const kiosk = await store.kiosks.findById(c.req.param('id'));
			// Another organization's kiosk is answered like a missing one: staff learn nothing about it.
			if (!kiosk || (own && kiosk.partnerOrganizationId !== own))
				throw new AppError('not_found', 'There is no such kiosk. Reload the list.');
			await store.transaction((repos) => repos.kiosks.revoke(kiosk.id, clock()));
			const after = await store.kiosks.findById(kiosk.id);
			return c.json(await summary(after ?? kiosk));
		});
}

type KioskEnv = AppEnv & { Variables: { kiosk: KioskRecord } };

/** Every device call carries the device token in a header, never a cookie. */
async function enrolledKiosk({ store }: AppDeps, token: string | undefined): Promise<KioskRecord> {
	const kiosk = token ? await store.kiosks.findByToken(kioskTokenHash(token)) : undefined;
	if (!kiosk || kiosk.status !== 'enrolled') {
		throw new AppError(
			'kiosk_revoked',
			'This device is no longer enrolled as a kiosk. Ask the staff to enroll it again from the console.'
		);
	}
	return kiosk;
}

const kioskAuth = (deps: AppDeps) =>
	createMiddleware<KioskEnv>(async (c, next) => {
		c.set('kiosk', await enrolledKiosk(deps, c.req.header(KIOSK_TOKEN_HEADER)));
		await next();
	});

/**
 * POST /api/kiosk/visitor-grant, with the kiosk token and the visitor's session both: the grant
 * that a recording sealed later carries, so it is filed as the visitor's own (issue #7).
 */
export function kioskVisitorRoutes(deps: AppDeps, sealer: () => Promise<Sealer>) {
	return new Hono<AppEnv>().post('/', requireRole(), async (c) => {
		const kiosk = await enrolledKiosk(deps, c.req.header(KIOSK_TOKEN_HEADER));
		const me = signedInUser(c);
		const grant = issueGrant((await sealer()).grantSecret, {
			userId: me.userId,
			kioskId: kiosk.id,
			now: deps.clock()
		});
		return c.json(v.parse(VisitorGrant, { userId: me.userId, grant }));
	});
}

/** The device side: enrollment, then calls with the device token. */
export function kioskDeviceRoutes(deps: AppDeps, sealer: () => Promise<Sealer>) {
	const { store, clock, env } = deps;
	const requireKiosk = kioskAuth(deps);
	return new Hono<KioskEnv>()
		.post('/enroll', async (c) => {
			const { code } = parseOrThrow(KioskEnrollment, await readJson(c));
			const { token, kiosk } = unwrap(
				await enrollKiosk(
					{ store, limiter: deps.limiters.kioskEnroll },
					{ code, now: clock(), clientAddress: clientAddress(c) }
				)
			);
			return c.json(v.parse(EnrolledKiosk, { token, device: deviceInfo(kiosk, env) }), 201);
		})
		.get('/sealing-key', async (c) => c.json((await sealer()).publicJwk))
		.get('/device', requireKiosk, (c) => c.json(v.parse(KioskDevice, deviceInfo(c.var.kiosk, env))))
		.post('/queue', requireKiosk, async (c) => {
			const item = parseOrThrow(SealedItem, await readJson(c));
			let plain: string;
			try {
				plain = await (await sealer()).open(item);
			} catch {
				throw new AppError(
					'sealed_unreadable',
					'This queued item was not sealed for this server, or it was changed. It cannot be applied.'
				);
			}
			const { mutation, grant } = parseOrThrow(SealedMutation, JSON.parse(plain) as unknown, {
				fieldPrefix: 'payload'
			});
			if (mutation.id !== item.id)
				throw new AppError('sealed_unreadable', 'The queued item does not match its id.');
			// Applied as the visitor's own mutation: the kiosk only carries it, and gets no session.
			const author = grant
				? await grantedUser(deps, (await sealer()).grantSecret, grant, c.var.kiosk)
				: undefined;
			const { response } = unwrap(await applyMutation(deps, mutation, author, c.var.kiosk));
			return c.json(v.parse(AnyMutationResponse, response), response.status === 'applied' ? 201 : 200);
		})
		.post('/recordings', requireKiosk, async (c) => {
			const commit = parseOrThrow(SealedRecordingCommit, await readJson(c));
			const receipt = await fileSealedRecording(deps, {
				sealer: await sealer(),
				kioskId: c.var.kiosk.id,
				commit
			});
			return c.json(v.parse(SealedRecordingReceipt, receipt));
		});
}

/** A sealed recording's chunks, outside /api and its small JSON body limit (issue #7). */
export function kioskChunkRoutes(deps: AppDeps) {
	const itemId = (c: { req: { param(name: 'itemId'): string } }) => {
		const id = c.req.param('itemId');
		if (!v.is(SealedItem.entries.id, id)) throw new AppError('not_found', 'There is no such queued item.');
		return id;
	};
	return new Hono<KioskEnv>()
		.use(kioskAuth(deps))
		.get('/:itemId', async (c) =>
			c.json({ received: await receivedChunks(deps.media.blobs, c.var.kiosk.id, itemId(c)) })
		)
		.put(
			'/:itemId/:seq',
			bodyLimit({
				// IV and tag add 28 bytes; a single segment longer than a chunk is sealed alone.
				maxSize: 2 * KIOSK_CHUNK_BYTES,
				onError: () => {
					throw new AppError('body_too_large', 'This part of a queued recording is too large.');
				}
			}),
			async (c) => {
				// Decimal digits only: Number() would also take "1e3", "0x10" and " 7" (issue #13).
				const given = c.req.param('seq');
				const seq = /^(0|[1-9]\d{0,4})$/.test(given) ? Number(given) : -1;
				if (seq < 0 || seq >= 100_000)
					throw new AppError('not_found', 'There is no such part of a queued item.');
				await storeChunk(deps.media.blobs, {
					kioskId: c.var.kiosk.id,
					itemId: itemId(c),
					seq,
					bytes: new Uint8Array(await c.req.arrayBuffer()),
					checksum: c.req.header(CHUNK_SHA256_HEADER) ?? ''
				});
				return c.body(null, 204);
			}
		);
}

/** The visitor a sealed change belongs to, from the grant the kiosk sealed with it (issue #7). */
async function grantedUser(
	deps: AppDeps,
	secret: Buffer,
	grant: string,
	kiosk: KioskRecord
): Promise<SessionUser> {
	const userId = checkGrant(secret, grant, { kioskId: kiosk.id, now: deps.clock() });
	const user = userId ? await deps.store.users.findById(userId) : undefined;
	if (!user)
		throw new AppError(
			'forbidden',
			'This queued change does not carry a valid sign-in of its author on this kiosk, so it cannot be applied.'
		);
	return { userId: user.id, role: user.role, firstName: user.firstName };
}
