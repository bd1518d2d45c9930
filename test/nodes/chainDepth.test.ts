// The loop guard across a chain of our nodes: Trigger → Create Lead Note → Update Lead Stage.
// The note node passes the trigger's event on, so the stage step still knows how deep it is.
import { MAX_CAUSATION_DEPTH } from '../../core';
import { CreateLeadNote } from '../../nodes/CreateLeadNote/CreateLeadNote.node';
import { UpdateLeadStage } from '../../nodes/UpdateLeadStage/UpdateLeadStage.node';
import { closeAllStores } from '../../nodes/shared/storeFromCredential';
import { actionNodeKit } from '../support/actionNodeKit';
import { forEachBackend } from '../support/backends';
import { rl, runNode } from '../support/nodeHarness';

afterAll(closeAllStores);

forEachBackend((backend) => {
	const kit = actionNodeKit(new CreateLeadNote(), backend);

	it('a deep chain is stopped at the stage step even after a note step in between', async () => {
		const leadId = await kit.lead();
		const fromTrigger = { lead: { id: leadId }, event: { id: 1, type: 'lead.stage_changed', causationDepth: MAX_CAUSATION_DEPTH } };
		const [[noted]] = await kit.run({ lead: rl(leadId), content: 'moving on', pinned: false }, [fromTrigger]);
		expect(noted.json.event).toEqual(fromTrigger.event);

		const error = await runNode(new UpdateLeadStage(), {
			params: { lead: rl(leadId), stage: rl('Qualified', 'name'), options: {} },
			items: [noted.json],
			credentials: kit.credentials,
		}).catch((e) => e);
		expect(error.message).toMatch(/stopped a loop/);
		expect((await kit.store.read((t) => t.getLead(leadId))).stage.name).toBe('New');
	});
});
