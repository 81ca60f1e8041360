// `npx tsx bench/yjs/run-rooms.ts [rooms]`: only the /yjs figures, without the rest of `npm run bench`.
import { yjsRooms } from './rooms';

const figures = await yjsRooms({ rooms: Number(process.argv[2] ?? 1000), log: (l) => console.log(l) });
console.table(
	Object.fromEntries(figures.map((f) => [f.name, { value: f.value, unit: f.unit, goal: f.goal }]))
);
