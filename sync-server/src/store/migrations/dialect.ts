import type { ColumnDataType, ColumnDefinitionBuilder } from 'kysely';

/** Which engine holds the store: the embedded default, or PostgreSQL when DATABASE_URL is set. */
export type Engine = 'sqlite' | 'postgres';

/**
 * What a migration needs to know about its engine, chosen by configuration and passed in (as
 * bluesky's atproto PDS did), never sniffed inside a migration. SQLite's types are the ones the
 * migrations always used, so existing SQLite files migrate exactly as before.
 */
export interface SchemaDialect {
	engine: Engine;
	/** Raw bytes: `blob` / `bytea`. */
	bytes: ColumnDataType;
	/** A 64-bit integer: SQLite's `integer` is one already; PostgreSQL's is 32-bit. */
	int64: ColumnDataType;
	/** A 64-bit float: SQLite's `real` is one; PostgreSQL's `real` is 32-bit. */
	float64: ColumnDataType;
	/** The type of an id the database counts up (see autoId). */
	autoIdType: ColumnDataType;
	/** An ever-increasing primary key: `autoincrement` / an identity column. */
	autoId(column: ColumnDefinitionBuilder): ColumnDefinitionBuilder;
}

export const SQLITE_SCHEMA: SchemaDialect = {
	engine: 'sqlite',
	bytes: 'blob',
	int64: 'integer',
	float64: 'real',
	autoIdType: 'integer',
	autoId: (c) => c.primaryKey().autoIncrement()
};

export const POSTGRES_SCHEMA: SchemaDialect = {
	engine: 'postgres',
	bytes: 'bytea',
	int64: 'bigint',
	float64: 'double precision',
	autoIdType: 'bigint',
	autoId: (c) => c.primaryKey().generatedByDefaultAsIdentity()
};

export function schemaDialect(engine: Engine): SchemaDialect {
	return engine === 'postgres' ? POSTGRES_SCHEMA : SQLITE_SCHEMA;
}
