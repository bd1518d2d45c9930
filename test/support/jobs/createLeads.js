// Lead creation from one process: `callers` concurrent callers, each with its own store (its
// own connection), each creating `perCaller` leads, one transaction per lead.
module.exports = async function createLeads(core, args, ready) {
	const stores = [];
	for (let i = 0; i < args.callers; i++) stores.push(await core.openLeadStore(args.config));
	await ready();
	try {
		const ids = await Promise.all(
			stores.map(async (store, c) => {
				const mine = [];
				for (let n = 0; n < args.perCaller; n++) {
					const lead = await store.transaction((ops) => ops.createLead({ name: `${args.tag} ${process.pid}/${c}/${n}`, source: args.tag }));
					mine.push(lead.id);
				}
				return mine;
			}),
		);
		return ids.flat();
	} finally {
		await Promise.all(stores.map((s) => s.close()));
	}
};
