/**
 * Warnings for the autobiography, which a partner will read (DESIGN.md, "Privacy rules": first name and
 * autobiography only). We warn rather than block: the person may mean it, but should know.
 */
export type PrivacyWarningKind = 'last-name' | 'email' | 'phone' | 'address';
export type PrivacyWarning = { kind: PrivacyWarningKind; message: string };

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]{2,}/;
// Seven or more digits, allowing the usual separators: (205) 555-0100, 205.555.0100, +1 205 555 0100.
const PHONE = /(?:\+?\d[\s().-]*){7,}/;
const STREET_TYPES =
	'street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|circle|cir|parkway|pkwy|highway|hwy|terrace|calle|avenida|camino';
const ADDRESS = new RegExp(`\\b\\d{1,6}\\s+(?:[A-Za-z0-9.'-]+\\s+){0,3}(?:${STREET_TYPES})\\b\\.?`, 'i');

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function autobiographyWarnings({
	text,
	lastName,
	email,
	phone
}: {
	text: string;
	lastName?: string;
	email?: string;
	phone?: string;
}): PrivacyWarning[] {
	const warnings: PrivacyWarning[] = [];
	const last = lastName?.trim() ?? '';
	if (last.length >= 2 && new RegExp(`(^|[^\\p{L}])${escapeRegExp(last)}($|[^\\p{L}])`, 'iu').test(text)) {
		warnings.push({
			kind: 'last-name',
			message: `Your last name (“${last}”) is in your autobiography. Your partner only sees your first name – consider removing it.`
		});
	}
	const ownEmail = email?.trim().toLowerCase();
	if (EMAIL.test(text) || (ownEmail && text.toLowerCase().includes(ownEmail))) {
		warnings.push({
			kind: 'email',
			message:
				'Your autobiography contains an email address. Please remove it: your partner should not see it.'
		});
	}
	const ownDigits = phone?.replace(/\D/g, '') ?? '';
	if (PHONE.test(text) || (ownDigits.length >= 7 && text.replace(/\D/g, '').includes(ownDigits))) {
		warnings.push({
			kind: 'phone',
			message: 'Your autobiography contains what looks like a phone number. Please remove it.'
		});
	}
	if (ADDRESS.test(text)) {
		warnings.push({
			kind: 'address',
			message:
				'Your autobiography seems to contain a street address. Please remove it and name your neighborhood or town instead.'
		});
	}
	return warnings;
}
