// Round-robin assignment from one process: `callers` concurrent callers, each with its own
// store (its own connection), each working through its own list of lead ids.
module.exports = async function assignLeads(core, args, ready) {
	const stores = [];
	for (let i = 0; i < args.lists.length; i++) stores.push(await core.openLeadStore(args.config));
	await ready();
	const started = Date.now();
	try {
		const perCaller = await Promise.all(
			args.lists.map(async (leadIds, i) => {
				const counts = { turns: 0, repeats: 0 };
				for (const leadId of leadIds) {
					const result = await stores[i].transaction((ops) =>
						ops.assignLead(leadId, { mode: 'round_robin', pool: args.pool, whenAssigned: 'overwrite' }, { actor: { kind: 'workflow', workflowId: `p${process.pid}c${i}` } }),
					);
					if (result.repeated) counts.repeats++;
					else counts.turns++;
				}
				return counts;
			}),
		);
		return { pid: process.pid, ms: Date.now() - started, perCaller };
	} finally {
		await Promise.all(stores.map((s) => s.close()));
	}
};
