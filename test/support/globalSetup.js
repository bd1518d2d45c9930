// Decides once per run whether the real PostgreSQL answers. Without it the PostgreSQL cases are
// skipped loudly; under CI=true a missing PostgreSQL fails the run instead.
const { Client } = require('pg');
const { pgConfig } = require('./pgConfig');

module.exports = async function globalSetup() {
	const client = new Client({ ...pgConfig(), connectionTimeoutMillis: 3000 });
	try {
		await client.connect();
		await client.query('SELECT 1');
		process.env.LEAD_TEST_PG = 'up';
	} catch (error) {
		if (process.env.CI === 'true') {
			throw new Error(`PostgreSQL is required under CI=true and did not answer at ${pgConfig().host}:${pgConfig().port}: ${error.message}`);
		}
		process.env.LEAD_TEST_PG = 'down';
		console.warn(`\n!!! PostgreSQL did not answer (${error.message}): every PostgreSQL case is SKIPPED !!!\n`);
	} finally {
		await client.end().catch(() => undefined);
	}
};
