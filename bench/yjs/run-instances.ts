// `npx tsx bench/yjs/run-instances.ts [rooms]`: only the across-instances /yjs figures (issue #17).
import { yjsInstances } from './instances';

const figures = await yjsInstances({ rooms: Number(process.argv[2] ?? 1000), log: (l) => console.log(l) });
console.table(
	Object.fromEntries(figures.map((f) => [f.name, { value: f.value, unit: f.unit, goal: f.goal }]))
);
