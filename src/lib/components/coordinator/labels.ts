import type { FunnelStage } from '$lib/contracts/matching';
import { m } from '$lib/paraglide/messages.js';

const STAGE: Record<FunnelStage, () => string> = {
	signed_up: m.match_stage_signed_up,
	oriented: m.match_stage_oriented,
	matched: m.match_stage_matched,
	scheduled: m.match_stage_scheduled,
	recorded: m.match_stage_recorded
};

export const stageLabel = (stage: FunnelStage) => STAGE[stage]();

/** "Oriented · waiting for a match": built here, since Svelte trims the space at the start of an {#if} (issue #14). */
export function participantStatus({ stage, waiting }: { stage: FunnelStage; waiting: boolean }): string {
	return waiting ? `${stageLabel(stage)} · ${m.match_people_waiting()}` : stageLabel(stage);
}
