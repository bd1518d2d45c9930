// n8n does not fail when a community package cannot load: it logs a line and starts without the
// package, and workflows then fail with "Unrecognized node type". So tests read the log.
// Messages from n8n 2.41.1 (n8n/dist/load-nodes-and-credentials.js, n8n-core nodes-loader,
// community-packages.service.js); the generic rule catches wording that changes between versions.

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function findLoadErrors(logText: string, packageName: string): string[] {
	const name = escape(packageName);
	const specific = [
		new RegExp(`Failed to load package "${name}"`), // loader.loadAll() threw (bad node file, require failed)
		new RegExp(`Skipping package "${name}"`), // n8nNodesApiVersion not supported
		new RegExp(`Skipping package directory "[^"]*${name}"`), // unreadable package.json
		new RegExp(`Not reinstalling package "${name}"`),
		new RegExp(`Unrecognized (node|credential) type:? "?${name}\\.`),
		new RegExp(`Failed to load Custom API options for the node "${name}\\.`),
		/n8n detected that some packages are missing/,
	];
	const generic = /\b(error|failed|cannot|unable|unrecognized|skipping|invalid)\b/i;
	return logText
		.split('\n')
		.filter((line) => specific.some((re) => re.test(line)) || (line.includes(packageName) && generic.test(line)));
}

export function assertNoLoadErrors(logText: string, packageName: string): void {
	const lines = findLoadErrors(logText, packageName);
	if (lines.length > 0) {
		throw new Error(`n8n reported problems loading ${packageName}:\n${lines.join('\n')}`);
	}
}
