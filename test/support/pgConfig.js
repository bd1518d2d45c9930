// The PostgreSQL the tests use: the machine's own server, database `test`, trust auth.
exports.pgConfig = () => ({
	host: process.env.PGHOST || '127.0.0.1',
	port: Number(process.env.PGPORT || 5432),
	database: process.env.PGDATABASE || 'test',
	user: process.env.PGUSER || 'postgres',
	password: process.env.PGPASSWORD || undefined,
});
