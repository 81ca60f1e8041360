import type { Kysely } from 'kysely';
import type { Engine } from '../migrations/dialect.ts';
import type { Database } from '../schema.ts';
import type { Repos } from '../types.ts';
import { authRepo } from './auth.ts';
import { communityRepo } from './communities.ts';
import { consentRepo } from './consents.ts';
import { conversationRepo } from './conversations.ts';
import { jobRepo } from './jobs.ts';
import { kioskRepo } from './kiosks.ts';
import { copyRepo } from './copies.ts';
import { mailRepo } from './mail.ts';
import { matchingRepo } from './matching.ts';
import { mutationRepo } from './mutations.ts';
import { organizationRepo } from './organizations.ts';
import { participantRepo } from './participants.ts';
import { reflectionRepo } from './reflections.ts';
import { trackFileRepo } from './track-files.ts';
import { userRepo } from './users.ts';
import { yjsDocRepo } from './yjs-docs.ts';

/** Kysely repositories: dialect-neutral queries, so the same ones serve SQLite and PostgreSQL. */
export function createRepos(db: Kysely<Database>, engine: Engine): Repos {
	return {
		communities: communityRepo(db),
		organizations: organizationRepo(db),
		users: userRepo(db),
		participants: participantRepo(db),
		auth: authRepo(db),
		mutations: mutationRepo(db),
		mail: mailRepo(db),
		conversations: conversationRepo(db),
		kiosks: kioskRepo(db),
		yjsDocs: yjsDocRepo(db, engine),
		matching: matchingRepo(db),
		consents: consentRepo(db, engine),
		trackFiles: trackFileRepo(db),
		copies: copyRepo(db),
		reflections: reflectionRepo(db),
		jobs: jobRepo(db)
	};
}
