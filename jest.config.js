/** @type {import('jest').Config} */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
	// Two cores here: two workers keep PostgreSQL and the n8n runs from starving each other.
	maxWorkers: 2,
	testTimeout: 30_000,
	globalSetup: '<rootDir>/test/support/globalSetup.js',
	reporters: ['default', '<rootDir>/test/support/backendSummaryReporter.js'],
};
