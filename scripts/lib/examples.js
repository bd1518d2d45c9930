// The example workflows in examples/*.json: plain n8n exports whose credentials are referenced by
// name ("Lead Store", "SMTP account"), so any n8n user can import them. `npm start` points their
// Lead Store references at the credential it made; the tests import them as they are.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const EXAMPLES_DIR = path.resolve(__dirname, '..', '..', 'examples');
const LEAD_STORE = 'leadStoreApi';

/** Every examples/*.json, in file order (the file names carry the tour's order). */
function loadExamples(dir = EXAMPLES_DIR) {
	return fs
		.readdirSync(dir)
		.filter((file) => file.endsWith('.json'))
		.sort()
		.map((file) => ({ file, workflow: JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) }));
}

/** A copy whose Lead Store references name the given credential. */
function bindCredentials(workflow, credential) {
	const copy = structuredClone(workflow);
	for (const node of copy.nodes) {
		if (node.credentials?.[LEAD_STORE]) node.credentials[LEAD_STORE] = { id: credential.id, name: credential.name };
	}
	return copy;
}

/** Credential types other than the Lead Store's that the workflow uses: these need an outside account. */
function needsOutsideAccount(workflow) {
	const types = new Set();
	for (const node of workflow.nodes) for (const type of Object.keys(node.credentials ?? {})) if (type !== LEAD_STORE) types.add(type);
	return [...types];
}

module.exports = { EXAMPLES_DIR, loadExamples, bindCredentials, needsOutsideAccount };
