import * as v from 'valibot';

export const ROLES = ['participant', 'partner_staff', 'facilitator', 'coordinator'] as const;
export type Role = (typeof ROLES)[number];

export const LinkSignIn = v.strictObject({ token: v.pipe(v.string(), v.minLength(16), v.maxLength(128)) });
export const CodeSignIn = v.strictObject({
	code: v.pipe(v.string(), v.trim(), v.minLength(4, 'Enter the code you were given.'), v.maxLength(20))
});

export const Me = v.strictObject({
	userId: v.string(),
	role: v.picklist(ROLES),
	firstName: v.string()
});
export type Me = v.InferOutput<typeof Me>;

/** PUT /api/me/language: the language a signed-in person chose in the app, for their emails and invites. */
export const LanguageChoice = v.strictObject({ language: v.picklist(['en', 'es']) });
export type LanguageChoice = v.InferOutput<typeof LanguageChoice>;

/** GET /api/session: who is signed in on this browser, if anyone. Always 200, so a first visit logs no error. */
export const Session = v.strictObject({ user: v.nullable(Me) });
export type Session = v.InferOutput<typeof Session>;

export const Health = v.strictObject({ ok: v.literal(true), version: v.string() });

export const Community = v.strictObject({ id: v.string(), name: v.string(), timeZone: v.string() });
export type Community = v.InferOutput<typeof Community>;

export const InviteInfo = v.strictObject({ code: v.string(), organizationName: v.string() });
export type InviteInfo = v.InferOutput<typeof InviteInfo>;

/** POST /api/auth/email-link. Always answered 202 with no body, whether or not the address has an account. */
export const EmailLinkRequest = v.strictObject({
	email: v.pipe(
		v.string(),
		v.trim(),
		v.toLowerCase(),
		v.maxLength(254, 'That email address is too long.'),
		v.email('Enter an email address like name@example.org.')
	)
});
export type EmailLinkRequest = v.InferOutput<typeof EmailLinkRequest>;
