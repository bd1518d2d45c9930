// Round-robin assignment from one process: `callers` concurrent callers, each with its own
// store (its own connection), each working through its own list of lead ids. `alone`: as the
// Assign Lead node does for one item, first the store's one-statement assignment (assignAlone),
// then, where it declines, the transaction.
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
					const options = { mode: 'round_robin', pool: args.pool, whenAssigned: 'overwrite' };
					const context = { actor: { kind: 'workflow', workflowId: `p${process.pid}c${i}` } };
					const result =
						(args.alone ? await stores[i].assignAlone(leadId, options, context) : undefined) ??
						(await stores[i].transaction((ops) => ops.assignLead(leadId, options, context)));
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
