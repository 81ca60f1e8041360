/**
 * When recording starts (issue #5, "Start"): both participants press "ready", then one device sends
 * the start command over the data channel and both start together. That device is the ready
 * participant with the lowest peer id, so exactly one sends it, whoever pressed last.
 */
export function shouldSendStart({
	myPeerId,
	participantPeerIds,
	ready,
	recording
}: {
	myPeerId: string;
	participantPeerIds: readonly string[];
	ready: readonly string[];
	recording: boolean;
}): boolean {
	if (recording || !participantPeerIds.includes(myPeerId)) return false;
	if (!participantPeerIds.every((id) => ready.includes(id))) return false;
	return [...participantPeerIds].sort()[0] === myPeerId;
}
