/**
 * A track's id: the recording's id and the id of the person whose voice it is. The person is part
 * of the id, so no one can claim another's track (issue #13: a reused id could block someone's
 * recording for good); the server accepts a track only under its owner's id.
 */
export function trackIdFor(recordingId: string, userId: string): string {
	return `${recordingId}_${userId}`;
}

export function isOwnTrackId(trackId: string, userId: string): boolean {
	const suffix = `_${userId}`;
	return userId !== '' && trackId.length > suffix.length && trackId.endsWith(suffix);
}
