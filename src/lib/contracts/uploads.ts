import * as v from 'valibot';
import { TrackKind } from './consent';

/**
 * The checksum of the file the server has confirmed (verified and filed as the track), on the
 * answer to the last PATCH, to a HEAD and to POST /uploads/:id/finish. Only this makes an upload
 * done (issue #16): "offset = length" says every byte arrived, not that the track was filed.
 */
export const CONFIRMED_CHECKSUM_HEADER = 'Upload-Checksum-Sha256';

/**
 * On every request of a track's upload (tus, the declaration, finish): the conversation it belongs
 * to. For the load balancer only (deploy/haproxy.cfg), which sends both partners' uploads of one
 * conversation to one instance, so the copy can be mixed there during the call (issues #16, #17).
 * The server never trusts it: the upload's own metadata and the session decide.
 */
export const CONVERSATION_HEADER = 'Conversation-Id';

/** POST /uploads/:id/finish: the upload is the confirmed file of this track. */
export const UploadFinished = v.strictObject({
	trackId: v.string(),
	kind: TrackKind,
	sha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/))
});
export type UploadFinished = v.InferOutput<typeof UploadFinished>;
