import * as v from 'valibot';

/**
 * Free text people write (names, autobiographies, archive descriptions, notes) never holds control
 * characters: NUL and the rest have no place in a name, break exports and logs, and can hide text
 * (issue #13). Line breaks and tabs are kept where the text may have several lines. Refused with a
 * clear message, on the device before anything is queued and on the server again.
 */
// Matching control characters is the point here.
/* eslint-disable no-control-regex */
const SINGLE_LINE_CONTROLS = /[\u0000-\u001f\u007f-\u009f]/;
const MULTI_LINE_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/* eslint-enable no-control-regex */

export const CONTROL_CHARACTERS_MESSAGE =
	'This text contains invisible control characters. Type it again, or paste it as plain text.';

export function noControlCharacters({
	multiline = false,
	message = CONTROL_CHARACTERS_MESSAGE
}: { multiline?: boolean; message?: string | (() => string) } = {}) {
	const pattern = multiline ? MULTI_LINE_CONTROLS : SINGLE_LINE_CONTROLS;
	return v.check<string, string | (() => string)>((text) => !pattern.test(text), message);
}
