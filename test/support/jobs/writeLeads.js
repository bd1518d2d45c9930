// Creates leads from another OS process, one transaction each, `gapMs` apart (plus jitter, so
// the writes do not line up with the reader's poll), and reports when each commit returned:
// the reader in the test process measures commit-to-emit latency against these times.
module.exports = async function writeLeads(core, args, ready) {
	const store = await core.openLeadStore(args.config);
	await ready();
	const commits = [];
	try {
		for (let i = 0; i < args.count; i++) {
			const lead = await store.transaction((ops) => ops.createLead({ name: `${args.prefix}${i}` }));
			commits.push({ leadId: lead.id, at: performance.timeOrigin + performance.now() });
			await new Promise((resolve) => setTimeout(resolve, args.gapMs + Math.random() * args.gapMs));
		}
		return { pid: process.pid, commits };
	} finally {
		await store.close();
	}
};
