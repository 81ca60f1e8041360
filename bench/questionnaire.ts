export { validQuestionnaire } from '../sync-server/src/test/factories.ts';
