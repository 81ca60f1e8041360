/**
 * What a session adds around the recorded conversation: getting settled, the microphone check, agreeing
 * on questions and the consent afterwards. A 40-minute conversation is the "about 90 minutes in all"
 * the sign-up form promises. The calendar holds the whole session, not the recording (issue #14), and
 * so do the times offered and the common time a pair needs: a 40-minute overlap was not enough.
 */
export const SESSION_EXTRA_MINUTES = 50;

export function sessionMinutes(conversationMinutes: number): number {
	return conversationMinutes + SESSION_EXTRA_MINUTES;
}
