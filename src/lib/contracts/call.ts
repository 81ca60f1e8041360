import * as v from 'valibot';
import { CALL_AUDIO_PRESETS } from '../core/call-audio';

/** GET /api/time: the server's clock, for the recorder's clock-offset pings. */
export const ServerTime = v.strictObject({ serverTime: v.number() });

export const IceServer = v.strictObject({
	urls: v.union([v.string(), v.array(v.string())]),
	username: v.optional(v.string()),
	credential: v.optional(v.string())
});
export type IceServer = v.InferOutput<typeof IceServer>;

export const RoomRole = v.picklist(['participant', 'facilitator']);
export type RoomRole = v.InferOutput<typeof RoomRole>;

/** Someone in the room, as the others see them: first name only (DESIGN.md, "Privacy rules"). */
export const RoomMember = v.strictObject({
	userId: v.string(),
	firstName: v.string(),
	role: RoomRole,
	peerId: v.string()
});
export type RoomMember = v.InferOutput<typeof RoomMember>;

/** The call's audio settings for a bench run (issue #18): the server's CALL_AUDIO_PRESET, core/call-audio. */
export const CallAudioPreset = v.picklist(
	CALL_AUDIO_PRESETS,
	`The call's audio preset must be one of ${CALL_AUDIO_PRESETS.join(', ')}.`
);
export type CallAudioPreset = v.InferOutput<typeof CallAudioPreset>;

/** GET /api/conversations/:id/room: what a member needs to join the call. */
export const RoomInfo = v.strictObject({
	conversationId: v.string(),
	me: RoomMember,
	members: v.array(RoomMember),
	/** The community's target length (issue #5, "Timer"). */
	targetMinutes: v.number(),
	iceServers: v.array(IceServer),
	/**
	 * Only when the server sets one (a bench run); absent, the call uses the default. Left out rather
	 * than sent as the default, so an app still open from before this field parses the answer.
	 */
	callAudioPreset: v.optional(CallAudioPreset)
});
export type RoomInfo = v.InferOutput<typeof RoomInfo>;

/** Where the recording is, as one device tells the others (on connect and on every change). */
export const RecordingState = v.picklist(['idle', 'recording', 'paused', 'stopped']);
export type RecordingState = v.InferOutput<typeof RecordingState>;

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(100));

/**
 * Messages on the call's data channel. Every one is checked on arrival: the other side is another
 * person's browser, so its messages are input like any other.
 */
export const CallMessage = v.variant('type', [
	v.strictObject({
		type: v.literal('hello'),
		ready: v.boolean(),
		recording: v.nullable(
			v.strictObject({
				id,
				state: v.picklist(['recording', 'paused', 'stopped']),
				startedAtServerMs: v.number(),
				pausedMs: v.number(),
				pausedAtServerMs: v.optional(v.number()),
				/** When the sender's state last changed; the later change wins (core/shared-recording). */
				changedAtServerMs: v.optional(v.number(), 0)
			})
		),
		/** How the sender's own recording is doing: the partner and a facilitator see trouble (issue #15). */
		recorder: v.optional(
			v.strictObject({ state: v.picklist(['ok', 'behind']), behindMs: v.pipe(v.number(), v.minValue(0)) })
		)
	}),
	v.strictObject({ type: v.literal('ready'), ready: v.boolean() }),
	v.strictObject({ type: v.literal('start'), recordingId: id, atServerMs: v.number() }),
	v.strictObject({ type: v.literal('pause'), recordingId: id, atServerMs: v.number() }),
	v.strictObject({ type: v.literal('resume'), recordingId: id, atServerMs: v.number() }),
	v.strictObject({ type: v.literal('stop'), recordingId: id, atServerMs: v.number() }),
	v.strictObject({
		type: v.literal('prompt'),
		promptId: id,
		asked: v.boolean(),
		atServerMs: v.number()
	}),
	v.strictObject({ type: v.literal('mark'), markId: id, atServerMs: v.number() })
]);
export type CallMessage = v.InferOutput<typeof CallMessage>;
