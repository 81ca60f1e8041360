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
