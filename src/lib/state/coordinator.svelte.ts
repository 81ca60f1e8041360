import * as v from 'valibot';
import {
	CalendarEntry,
	CommunityInfo,
	DirectoryEntry,
	FunnelReport,
	OrganizationInfo,
	RunPreview
} from '$lib/contracts/matching';
import { api } from '$lib/sync/api';

type Pair = { a: string; b: string; include: boolean };

/**
 * The coordinator console (issue #3). One community at a time; a matching run is previewed, edited
 * here (veto, swap, pair by hand) and only then approved: the server re-checks every pair.
 */
export class CoordinatorConsole {
	communities = $state<CommunityInfo[]>([]);
	organizations = $state<OrganizationInfo[]>([]);
	communityId = $state('');
	participants = $state<DirectoryEntry[]>([]);
	calendar = $state<CalendarEntry[]>([]);
	funnel = $state<v.InferOutput<typeof FunnelReport> | undefined>();
	facilitators = $state<{ id: string; name: string }[]>([]);
	run = $state<RunPreview | undefined>();
	pairs = $state<Pair[]>([]);
	search = $state('');
	problem = $state<string | undefined>();
	notice = $state<string | undefined>();
	busy = $state(false);

	private async call<T>(
		path: string,
		schema: v.GenericSchema<unknown, T>,
		init: { method?: string; body?: unknown } = {}
	) {
		this.problem = undefined;
		const answer = await api(path, { ...init, schema });
		if (!answer.ok) {
			this.problem = answer.error.message;
			return undefined;
		}
		return answer.data;
	}

	async start() {
		this.communities = (await this.call('/api/coordinator/communities', v.array(CommunityInfo))) ?? [];
		this.organizations = (await this.call('/api/coordinator/organizations', v.array(OrganizationInfo))) ?? [];
		this.facilitators =
			(await this.call(
				'/api/coordinator/facilitators',
				v.array(v.object({ id: v.string(), name: v.string() }))
			)) ?? [];
		// The community with the most to do is the one people usually mean: the first with participants.
		this.communityId ||= this.communities[0]?.id ?? '';
		await this.refresh();
	}

	async refresh() {
		if (!this.communityId) return;
		const q = `communityId=${encodeURIComponent(this.communityId)}`;
		this.participants =
			(await this.call(
				`/api/coordinator/participants?${q}&q=${encodeURIComponent(this.search)}`,
				v.array(DirectoryEntry)
			)) ?? [];
		this.calendar = (await this.call(`/api/coordinator/conversations?${q}`, v.array(CalendarEntry))) ?? [];
		this.funnel = await this.call(`/api/coordinator/funnel?${q}`, FunnelReport);
	}

	async previewRun() {
		this.busy = true;
		this.run = await this.call(`/api/coordinator/communities/${this.communityId}/runs`, RunPreview, {
			method: 'POST',
			body: {}
		});
		this.pairs = this.run?.pairs.map((p) => ({ a: p.a.id, b: p.b.id, include: true })) ?? [];
		this.busy = false;
	}

	/** People a pair's second person can be swapped for: those the run left unmatched or vetoed. */
	swapOptions(index: number): { id: string; name: string }[] {
		if (!this.run) return [];
		const used = this.pairs.filter((p, i) => p.include && i !== index).flatMap((p) => [p.a, p.b]);
		const everyone = [...this.run.pairs.flatMap((p) => [p.a, p.b]), ...this.run.unmatched];
		return everyone.filter((person) => !used.includes(person.id) && person.id !== this.pairs[index]?.a);
	}

	async approve(): Promise<number | undefined> {
		if (!this.run) return;
		this.busy = true;
		const body = { pairs: this.pairs.filter((p) => p.include).map(({ a, b }) => ({ a, b })) };
		const result = await this.call(
			`/api/coordinator/runs/${this.run.runId}/approve`,
			v.object({ created: v.number() }),
			{
				method: 'POST',
				body
			}
		);
		this.busy = false;
		if (!result) return;
		this.run = undefined;
		this.pairs = [];
		await this.refresh();
		return result.created;
	}

	async pairByHand(a: string, b: string) {
		const result = await this.call('/api/coordinator/pairs', v.object({ created: v.number() }), {
			method: 'POST',
			body: { communityId: this.communityId, a, b }
		});
		if (result) await this.refresh();
		return result !== undefined;
	}

	async saveNotes(id: string, notes: string) {
		return (
			(await this.call(`/api/coordinator/participants/${id}/notes`, v.null(), {
				method: 'POST',
				body: { notes }
			})) !== undefined
		);
	}

	async assignFacilitator(conversationId: string, facilitatorId: string | null) {
		await this.call(`/api/coordinator/conversations/${conversationId}/facilitator`, v.null(), {
			method: 'POST',
			body: { facilitatorId }
		});
		await this.refresh();
	}

	async createCommunity(body: {
		name: string;
		timeZone: string;
		conversationMinutes: number;
		matchingMode: string;
	}) {
		const created = await this.call('/api/coordinator/communities', CommunityInfo, { method: 'POST', body });
		if (created) this.communities = [...this.communities, created];
		return created !== undefined;
	}

	async createOrganization(body: {
		name: string;
		description: string;
		politicalBackground: string;
		inviteCode?: string;
	}) {
		const created = await this.call('/api/coordinator/organizations', OrganizationInfo, {
			method: 'POST',
			body
		});
		if (created) this.organizations = [...this.organizations, created];
		return created !== undefined;
	}

	async inviteStaff(organizationId: string, body: { email: string; firstName: string }) {
		return (
			(await this.call(`/api/coordinator/organizations/${organizationId}/staff`, v.null(), {
				method: 'POST',
				body
			})) !== undefined
		);
	}
}
