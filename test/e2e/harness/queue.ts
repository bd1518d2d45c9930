// n8n's queue mode for the e2e suites: the env a main and its workers share (Redis, n8n's own
// database on PostgreSQL), and the clean-up of a run's Redis keys.
import { createRequire } from 'node:module';
import path from 'node:path';
import { runtimeDir, type ExtraEnv } from './runtime';

export interface PgTarget {
	host: string;
	port: number;
	database: string;
	user: string;
	password?: string;
}

/**
 * Queue mode on Redis at 127.0.0.1:6379 and n8n's database in `n8nSchema` of `pg`. Every Redis
 * key of the run starts with `redisPrefix`: Bull's queue and n8n's own (cache, instance registry).
 */
export function queueModeEnv(pg: PgTarget, n8nSchema: string, redisPrefix: string): ExtraEnv {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: '127.0.0.1',
		QUEUE_BULL_REDIS_PORT: 6379,
		QUEUE_BULL_PREFIX: `${redisPrefix}-bull`,
		N8N_REDIS_KEY_PREFIX: redisPrefix,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.host,
		DB_POSTGRESDB_PORT: pg.port,
		DB_POSTGRESDB_DATABASE: pg.database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: pg.password ?? '',
		DB_POSTGRESDB_SCHEMA: n8nSchema,
		// As the README's queue-mode set-up says: n8n deletes a finished job from Redis at once by
		// default, and the main waits for a job with Bull's job.finished() only after its
		// pre-execute hooks, so a job a worker finished and deleted before then is never seen to
		// end: its run stays `running` and the trigger's hand-over never settles (seen under load
		// in the scale suite, 2 of 1,000, and in the 40-lead suite, 1 of 40). Keeping the last
		// finished jobs lets job.finished() find them.
		N8N_EXECUTIONS_QUEUE_KEEP_LAST_COMPLETED: 1_000,
		N8N_EXECUTIONS_QUEUE_KEEP_LAST_FAILED: 1_000,
	};
}

/** Deletes the Redis keys starting with `prefix`, with the ioredis n8n itself ships. */
export async function dropRedisKeys(prefix: string): Promise<void> {
	const Redis = createRequire(path.join(runtimeDir(), 'node_modules', 'n8n', 'package.json'))('ioredis');
	const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, maxRetriesPerRequest: 1 });
	try {
		await redis.connect();
		let cursor = '0';
		do {
			const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
			if (keys.length) await redis.del(...keys);
			cursor = next;
		} while (cursor !== '0');
	} finally {
		redis.disconnect();
	}
}
