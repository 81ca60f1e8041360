/**
 * Maximum-weight matching in a general graph: Edmonds' blossom algorithm in the primal-dual form of
 * Galil (1986), following the structure of Joris van Rijn's reference implementation (mwmatching.py),
 * which networkx also uses. O(n³) in the worst case; on the sparse candidate graphs matching builds
 * (≤ ~12 edges a person) it runs in tens of milliseconds for 1,000 people.
 *
 * Why not the `edmonds-blossom` package (issue #3 asked for a well-kept library if one fits): its
 * 1.0.0 assigns undeclared globals (it throws "Assignment to constant variable" wherever `path` is a
 * global) and, like its `-fixed` fork, took 1.4–2.3 s for a single 1,000-person community on this
 * machine, against a budget of 2 s for ten. `@graph-algorithm/maximum-matching` is AGPL-3.0.
 *
 * Weights must be integers (then every dual stays an integer and no rounding can break optimality).
 * Typed arrays and explicit stacks instead of the reference's lists and generators: that is the speed.
 */

export interface WeightedEdge {
	a: number;
	b: number;
	weight: number;
}

/** mate[v] is v's partner, or -1. Vertices are 0..vertexCount-1. */
export function maxWeightMatching(vertexCount: number, edges: readonly WeightedEdge[]): Int32Array {
	const mate = new Int32Array(vertexCount).fill(-1);
	if (edges.length === 0 || vertexCount < 2) return mate;
	for (const e of edges) {
		if (!Number.isSafeInteger(e.weight)) throw new RangeError('maxWeightMatching needs integer weights');
		if (e.a === e.b || e.a < 0 || e.b < 0 || e.a >= vertexCount || e.b >= vertexCount)
			throw new RangeError(`edge ${e.a}–${e.b} is not between two of the ${vertexCount} vertices`);
	}
	const solved = new Solver(vertexCount, edges).solve();
	for (let v = 0; v < vertexCount; v++) mate[v] = solved[v] ?? -1;
	return mate;
}

class Solver {
	private readonly n: number;
	private readonly m: number;
	private readonly endpoint: Int32Array;
	private readonly weight: Float64Array;
	private readonly neighbend: Int32Array[];
	private readonly mate: Int32Array;
	private readonly label: Int8Array;
	private readonly labelend: Int32Array;
	private readonly inblossom: Int32Array;
	private readonly blossomparent: Int32Array;
	private readonly blossomchilds: (number[] | null)[];
	private readonly blossombase: Int32Array;
	private readonly blossomendps: (number[] | null)[];
	private readonly bestedge: Int32Array;
	private readonly blossombestedges: (number[] | null)[];
	private readonly unusedblossoms: number[];
	private readonly dualvar: Float64Array;
	/** allowedge[k] === stage: edge k is usable this stage (stamps instead of clearing m flags per stage). */
	private readonly allowedge: Int32Array;
	private stage = 1;
	private readonly bestedgeto: Int32Array;
	private readonly queue: number[] = [];
	/** One past the highest blossom id in use so far: loops over blossoms stop here. */
	private blossomEnd: number;

	constructor(n: number, edges: readonly WeightedEdge[]) {
		this.n = n;
		this.m = edges.length;
		this.endpoint = new Int32Array(2 * this.m);
		this.weight = new Float64Array(this.m);
		const degree = new Int32Array(n);
		let maxweight = 0;
		edges.forEach((e, k) => {
			this.endpoint[2 * k] = e.a;
			this.endpoint[2 * k + 1] = e.b;
			this.weight[k] = e.weight;
			maxweight = Math.max(maxweight, e.weight);
			degree[e.a]! += 1;
			degree[e.b]! += 1;
		});
		this.neighbend = Array.from({ length: n }, (_, v) => new Int32Array(degree[v]!));
		const filled = new Int32Array(n);
		edges.forEach((e, k) => {
			this.neighbend[e.a]![filled[e.a]!++] = 2 * k + 1;
			this.neighbend[e.b]![filled[e.b]!++] = 2 * k;
		});
		this.mate = new Int32Array(n).fill(-1);
		this.label = new Int8Array(2 * n);
		this.labelend = new Int32Array(2 * n).fill(-1);
		this.inblossom = Int32Array.from({ length: n }, (_, v) => v);
		this.blossomparent = new Int32Array(2 * n).fill(-1);
		this.blossomchilds = new Array<number[] | null>(2 * n).fill(null);
		this.blossombase = Int32Array.from({ length: 2 * n }, (_, b) => (b < n ? b : -1));
		this.blossomendps = new Array<number[] | null>(2 * n).fill(null);
		this.bestedge = new Int32Array(2 * n).fill(-1);
		this.blossombestedges = new Array<number[] | null>(2 * n).fill(null);
		// Popped from the end: low ids first, so the dual step only scans blossoms ever used.
		this.unusedblossoms = Array.from({ length: n }, (_, i) => 2 * n - 1 - i);
		this.dualvar = new Float64Array(2 * n);
		this.dualvar.fill(maxweight, 0, n);
		this.allowedge = new Int32Array(this.m);
		this.bestedgeto = new Int32Array(2 * n).fill(-1);
		this.blossomEnd = n;
	}

	private slack(k: number): number {
		return (
			this.dualvar[this.endpoint[2 * k]!]! + this.dualvar[this.endpoint[2 * k + 1]!]! - 2 * this.weight[k]!
		);
	}

	/** The vertices inside (sub-)blossom b. */
	private leaves(b: number): number[] {
		if (b < this.n) return [b];
		const out: number[] = [];
		const stack = [b];
		while (stack.length > 0) {
			const t = stack.pop()!;
			if (t < this.n) out.push(t);
			else for (const c of this.blossomchilds[t]!) stack.push(c);
		}
		return out;
	}

	private assignLabel(w: number, t: 1 | 2, p: number): void {
		// Iterative: a T-label always makes its mate an S-vertex, which never recurses further.
		const b = this.inblossom[w]!;
		this.label[w] = this.label[b] = t;
		this.labelend[w] = this.labelend[b] = p;
		this.bestedge[w] = this.bestedge[b] = -1;
		if (t === 1) {
			if (b < this.n) this.queue.push(b);
			else for (const v of this.leaves(b)) this.queue.push(v);
			return;
		}
		const base = this.blossombase[b]!;
		const mbase = this.mate[base]!;
		this.assignLabel(this.endpoint[mbase]!, 1, mbase ^ 1);
	}

	/** Traces back from v and w to find a new blossom's base, or -1 for an augmenting path. */
	private scanBlossom(v0: number, w0: number): number {
		const path: number[] = [];
		let base = -1;
		let v = v0;
		let w = w0;
		while (v !== -1 || w !== -1) {
			let b = this.inblossom[v]!;
			if (this.label[b]! & 4) {
				base = this.blossombase[b]!;
				break;
			}
			path.push(b);
			this.label[b] = 5;
			if (this.labelend[b] === -1) {
				v = -1;
			} else {
				v = this.endpoint[this.labelend[b]!]!;
				b = this.inblossom[v]!;
				v = this.endpoint[this.labelend[b]!]!;
			}
			if (w !== -1) [v, w] = [w, v];
		}
		for (const b of path) this.label[b] = 1;
		return base;
	}

	private addBlossom(base: number, k: number): void {
		let v = this.endpoint[2 * k]!;
		let w = this.endpoint[2 * k + 1]!;
		const bb = this.inblossom[base]!;
		let bv = this.inblossom[v]!;
		let bw = this.inblossom[w]!;
		const b = this.unusedblossoms.pop()!;
		this.blossomEnd = Math.max(this.blossomEnd, b + 1);
		this.blossombase[b] = base;
		this.blossomparent[b] = -1;
		this.blossomparent[bb] = b;
		const path: number[] = [];
		const endps: number[] = [];
		while (bv !== bb) {
			this.blossomparent[bv] = b;
			path.push(bv);
			endps.push(this.labelend[bv]!);
			v = this.endpoint[this.labelend[bv]!]!;
			bv = this.inblossom[v]!;
		}
		path.push(bb);
		path.reverse();
		endps.reverse();
		endps.push(2 * k);
		while (bw !== bb) {
			this.blossomparent[bw] = b;
			path.push(bw);
			endps.push(this.labelend[bw]! ^ 1);
			w = this.endpoint[this.labelend[bw]!]!;
			bw = this.inblossom[w]!;
		}
		this.blossomchilds[b] = path;
		this.blossomendps[b] = endps;
		this.label[b] = 1;
		this.labelend[b] = this.labelend[bb]!;
		this.dualvar[b] = 0;
		for (const leaf of this.leaves(b)) {
			if (this.label[this.inblossom[leaf]!] === 2) this.queue.push(leaf);
			this.inblossom[leaf] = b;
		}
		this.computeBlossomBestEdges(b, path);
	}

	/** For each neighbouring S-blossom, the least-slack edge from the new blossom b to it. */
	private computeBlossomBestEdges(b: number, path: number[]): void {
		const bestedgeto = this.bestedgeto;
		const touched: number[] = [];
		const consider = (k: number) => {
			let j = this.endpoint[2 * k + 1]!;
			if (this.inblossom[j] === b) j = this.endpoint[2 * k]!;
			const bj = this.inblossom[j]!;
			if (bj === b || this.label[bj] !== 1) return;
			const current = bestedgeto[bj]!;
			if (current === -1) touched.push(bj);
			if (current === -1 || this.slack(k) < this.slack(current)) bestedgeto[bj] = k;
		};
		for (const bv of path) {
			const cached = this.blossombestedges[bv];
			if (cached) {
				for (const k of cached) consider(k);
			} else {
				for (const leaf of this.leaves(bv)) for (const p of this.neighbend[leaf]!) consider(p >> 1);
			}
			this.blossombestedges[bv] = null;
			this.bestedge[bv] = -1;
		}
		const best: number[] = [];
		let bestK = -1;
		for (const bj of touched) {
			const k = bestedgeto[bj]!;
			bestedgeto[bj] = -1;
			best.push(k);
			if (bestK === -1 || this.slack(k) < this.slack(bestK)) bestK = k;
		}
		this.blossombestedges[b] = best;
		this.bestedge[b] = bestK;
	}

	private expandBlossom(b: number, endstage: boolean): void {
		const childs = this.blossomchilds[b]!;
		for (const s of childs) {
			this.blossomparent[s] = -1;
			if (s < this.n) this.inblossom[s] = s;
			else if (endstage && this.dualvar[s] === 0) this.expandBlossom(s, endstage);
			else for (const v of this.leaves(s)) this.inblossom[v] = s;
		}
		if (!endstage && this.label[b] === 2) this.relabelExpandedT(b, childs);
		this.label[b] = -1;
		this.labelend[b] = -1;
		this.blossomchilds[b] = null;
		this.blossomendps[b] = null;
		this.blossombase[b] = -1;
		this.blossombestedges[b] = null;
		this.bestedge[b] = -1;
		this.unusedblossoms.push(b);
	}

	/** A T-blossom expanded mid-stage: relabel the even-length path through it from the entry child. */
	private relabelExpandedT(b: number, childs: number[]): void {
		const endps = this.blossomendps[b]!;
		const entrychild = this.inblossom[this.endpoint[this.labelend[b]! ^ 1]!]!;
		let j = childs.indexOf(entrychild);
		let jstep: number;
		let endptrick: number;
		if (j & 1) {
			j -= childs.length;
			jstep = 1;
			endptrick = 0;
		} else {
			jstep = -1;
			endptrick = 1;
		}
		const at = <T>(list: T[], i: number): T => list[i < 0 ? list.length + i : i]!;
		let p = this.labelend[b]!;
		while (j !== 0) {
			this.label[this.endpoint[p ^ 1]!] = 0;
			this.label[this.endpoint[at(endps, j - endptrick) ^ endptrick ^ 1]!] = 0;
			this.assignLabel(this.endpoint[p ^ 1]!, 2, p);
			this.allowedge[at(endps, j - endptrick) >> 1] = this.stage;
			j += jstep;
			p = at(endps, j - endptrick) ^ endptrick;
			this.allowedge[p >> 1] = this.stage;
			j += jstep;
		}
		const bv = at(childs, j);
		this.label[this.endpoint[p ^ 1]!] = this.label[bv] = 2;
		this.labelend[this.endpoint[p ^ 1]!] = this.labelend[bv] = p;
		this.bestedge[bv] = -1;
		j += jstep;
		while (at(childs, j) !== entrychild) {
			const child = at(childs, j);
			j += jstep;
			if (this.label[child] === 1) continue;
			const reached = this.leaves(child).find((v) => this.label[v] !== 0);
			if (reached !== undefined) {
				this.label[reached] = 0;
				this.label[this.endpoint[this.mate[this.blossombase[child]!]!]!] = 0;
				this.assignLabel(reached, 2, this.labelend[reached]!);
			}
		}
	}

	/** Swaps matched and unmatched edges along the path from v to the base of blossom b. */
	private augmentBlossom(b: number, v: number): void {
		let t = v;
		while (this.blossomparent[t] !== b) t = this.blossomparent[t]!;
		if (t >= this.n) this.augmentBlossom(t, v);
		const childs = this.blossomchilds[b]!;
		const endps = this.blossomendps[b]!;
		const at = <T>(list: T[], i: number): T => list[i < 0 ? list.length + i : i]!;
		const i = childs.indexOf(t);
		let j = i;
		let jstep: number;
		let endptrick: number;
		if (i & 1) {
			j -= childs.length;
			jstep = 1;
			endptrick = 0;
		} else {
			jstep = -1;
			endptrick = 1;
		}
		while (j !== 0) {
			j += jstep;
			let child = at(childs, j);
			const p = at(endps, j - endptrick) ^ endptrick;
			if (child >= this.n) this.augmentBlossom(child, this.endpoint[p]!);
			j += jstep;
			child = at(childs, j);
			if (child >= this.n) this.augmentBlossom(child, this.endpoint[p ^ 1]!);
			this.mate[this.endpoint[p]!] = p ^ 1;
			this.mate[this.endpoint[p ^ 1]!] = p;
		}
		this.blossomchilds[b] = [...childs.slice(i), ...childs.slice(0, i)];
		this.blossomendps[b] = [...endps.slice(i), ...endps.slice(0, i)];
		this.blossombase[b] = this.blossombase[this.blossomchilds[b]![0]!]!;
	}

	private augmentMatching(k: number): void {
		const starts: [number, number][] = [
			[this.endpoint[2 * k]!, 2 * k + 1],
			[this.endpoint[2 * k + 1]!, 2 * k]
		];
		for (let [s, p] of starts) {
			for (;;) {
				const bs = this.inblossom[s]!;
				if (bs >= this.n) this.augmentBlossom(bs, s);
				this.mate[s] = p;
				if (this.labelend[bs] === -1) break;
				const t = this.endpoint[this.labelend[bs]!]!;
				const bt = this.inblossom[t]!;
				s = this.endpoint[this.labelend[bt]!]!;
				const j = this.endpoint[this.labelend[bt]! ^ 1]!;
				if (bt >= this.n) this.augmentBlossom(bt, j);
				this.mate[j] = this.labelend[bt]!;
				p = this.labelend[bt]! ^ 1;
			}
		}
	}

	/** Grows alternating trees from the queue; true once an augmenting path has been used. */
	private scanQueue(): boolean {
		// The hot loop (≈ n·m edge visits per run): typed arrays in locals, slack inlined.
		const { queue, neighbend, endpoint, weight, dualvar, inblossom, allowedge, label, bestedge, stage } =
			this;
		while (queue.length > 0) {
			const v = queue.pop()!;
			const ends = neighbend[v]!;
			for (let i = 0; i < ends.length; i++) {
				const p = ends[i]!;
				const k = p >> 1;
				const w = endpoint[p]!;
				if (inblossom[v] === inblossom[w]) continue;
				let kslack = 0;
				let allowed = allowedge[k] === stage;
				if (!allowed) {
					kslack = dualvar[v]! + dualvar[w]! - 2 * weight[k]!;
					if (kslack <= 0) {
						allowedge[k] = stage;
						allowed = true;
					}
				}
				const bw = inblossom[w]!;
				if (allowed) {
					if (label[bw] === 0) {
						this.assignLabel(w, 2, p ^ 1);
					} else if (label[bw] === 1) {
						const base = this.scanBlossom(v, w);
						if (base >= 0) this.addBlossom(base, k);
						else {
							this.augmentMatching(k);
							return true;
						}
					} else if (label[w] === 0) {
						label[w] = 2;
						this.labelend[w] = p ^ 1;
					}
				} else if (label[bw] === 1) {
					const b = inblossom[v]!;
					if (bestedge[b] === -1 || kslack < this.slack(bestedge[b]!)) bestedge[b] = k;
				} else if (label[w] === 0) {
					if (bestedge[w] === -1 || kslack < this.slack(bestedge[w]!)) bestedge[w] = k;
				}
			}
		}
		return false;
	}

	/** Adjusts the duals by the largest safe step; false when the optimum is reached (stage ends). */
	private dualStep(): boolean {
		const { n, dualvar, label, inblossom, bestedge, blossomparent, blossombase } = this;
		let deltatype = 1;
		let delta = Infinity;
		let deltaedge = -1;
		let deltablossom = -1;
		for (let v = 0; v < n; v++) {
			if (dualvar[v]! < delta) delta = dualvar[v]!;
		}
		for (let v = 0; v < n; v++) {
			const k = bestedge[v]!;
			if (k === -1) continue;
			const l = label[inblossom[v]!];
			if (l === 0) {
				const d = this.slack(k);
				if (d < delta) {
					delta = d;
					deltatype = 2;
					deltaedge = k;
				}
			} else if (l === 1 && blossomparent[v] === -1) {
				const d = this.slack(k) / 2;
				if (d < delta) {
					delta = d;
					deltatype = 3;
					deltaedge = k;
				}
			}
		}
		for (let b = n; b < this.blossomEnd; b++) {
			if (blossombase[b]! < 0 || blossomparent[b] !== -1) continue;
			if (label[b] === 1 && bestedge[b] !== -1) {
				const d = this.slack(bestedge[b]!) / 2;
				if (d < delta) [delta, deltatype, deltaedge] = [d, 3, bestedge[b]!];
			} else if (label[b] === 2 && dualvar[b]! < delta) {
				delta = dualvar[b]!;
				deltatype = 4;
				deltablossom = b;
			}
		}
		for (let v = 0; v < n; v++) {
			const l = label[inblossom[v]!];
			if (l === 1) dualvar[v]! -= delta;
			else if (l === 2) dualvar[v]! += delta;
		}
		for (let b = n; b < this.blossomEnd; b++) {
			if (blossombase[b]! >= 0 && blossomparent[b] === -1) {
				if (label[b] === 1) dualvar[b]! += delta;
				else if (label[b] === 2) dualvar[b]! -= delta;
			}
		}
		if (deltatype === 1) return false;
		if (deltatype === 4) {
			this.expandBlossom(deltablossom, false);
			return true;
		}
		this.allowedge[deltaedge] = this.stage;
		let i = this.endpoint[2 * deltaedge]!;
		if (label[inblossom[i]!] === 0) i = this.endpoint[2 * deltaedge + 1]!;
		this.queue.push(i);
		return true;
	}

	solve(): Int32Array {
		const { n } = this;
		for (let stage = 0; stage < n; stage++) {
			this.label.fill(0);
			this.bestedge.fill(-1);
			this.blossombestedges.fill(null, n, this.blossomEnd);
			this.stage = stage + 1;
			this.queue.length = 0;
			for (let v = 0; v < n; v++) {
				if (this.mate[v] === -1 && this.label[this.inblossom[v]!] === 0) this.assignLabel(v, 1, -1);
			}
			let augmented = false;
			for (;;) {
				augmented = this.scanQueue();
				if (augmented || !this.dualStep()) break;
			}
			if (!augmented) break;
			for (let b = n; b < this.blossomEnd; b++) {
				if (
					this.blossomparent[b] === -1 &&
					this.blossombase[b]! >= 0 &&
					this.label[b] === 1 &&
					this.dualvar[b] === 0
				)
					this.expandBlossom(b, true);
			}
		}
		const result = new Int32Array(n).fill(-1);
		for (let v = 0; v < n; v++) if (this.mate[v]! >= 0) result[v] = this.endpoint[this.mate[v]!]!;
		return result;
	}
}
