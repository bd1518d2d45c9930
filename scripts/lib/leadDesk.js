// What `npm start` sets up around n8n so a newcomer lands on a ready lead desk: the owner login, a
// Lead Store credential, a demo team with a "Sales" pool (written through the package's own core,
// dist/core, never SQL), and the example workflows. Every step first looks for what a previous
// start made and reuses it; what a start generated (the password, the API key, ids) is kept in a
// small JSON file in the gitignored user folder. The browser suite runs the same functions.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { N8nClient } = require('./n8nClient');
const { loadExamples, bindCredentials, needsOutsideAccount } = require('./examples');

const STATE_FILE = 'lead-desk.json';
const CREDENTIAL_TYPE = 'leadStoreApi';

const DEMO_TEAM = [
	{ name: 'Ana Alvarez', email: 'ana@example.com' },
	{ name: 'Ben Brooks', email: 'ben@example.com' },
	{ name: 'Chloe Chen', email: 'chloe@example.com' },
];
const DEMO_POOL = 'Sales';
// A few leads so the lead pickers have something to show; none comes from Facebook Ads, and they
// exist before the examples are published, so no example runs for them.
const DEMO_LEADS = [
	{ name: 'Grace Hopper', email: 'grace@example.com', source: 'Website', company: 'Navy Labs' },
	{ name: 'Alan Turing', email: 'alan@example.com', source: 'Referral', company: 'Bletchley' },
	{ name: 'Ada Lovelace', email: 'ada@example.com', source: 'Conference', company: 'Analytical Engines' },
];

function readState(userFolder) {
	try {
		return JSON.parse(fs.readFileSync(path.join(userFolder, STATE_FILE), 'utf8'));
	} catch {
		return {};
	}
}

function writeState(userFolder, state) {
	fs.mkdirSync(userFolder, { recursive: true });
	fs.writeFileSync(path.join(userFolder, STATE_FILE), JSON.stringify(state, null, 2), { mode: 0o600 });
}

/** The Lead Store credential's data for the chosen backend (LEAD_STORE=postgres uses the PG* variables). */
function storeCredentialData(env = process.env) {
	if ((env.LEAD_STORE || 'sqlite') === 'postgres') {
		return {
			backend: 'postgres',
			host: env.PGHOST || '127.0.0.1',
			port: Number(env.PGPORT || 5432),
			database: env.PGDATABASE || 'postgres',
			user: env.PGUSER || 'postgres',
			password: env.PGPASSWORD || '',
			schema: env.LEAD_STORE_SCHEMA || 'lead_desk',
			ssl: 'disable',
		};
	}
	if (env.LEAD_STORE && env.LEAD_STORE !== 'sqlite') throw new Error(`LEAD_STORE must be sqlite or postgres; got "${env.LEAD_STORE}"`);
	// Empty: lead-management.sqlite in n8n's user folder (the credential's documented default).
	return { backend: 'sqlite', file: '' };
}

function credentialName(data) {
	return data.backend === 'postgres' ? 'Lead Store (PostgreSQL)' : 'Lead Store';
}

/** Opens the store the credential points at, through the built package (dist/). */
async function withDistStore(packageDir, userFolder, data, use) {
	const core = require(path.join(packageDir, 'dist', 'core'));
	const { storeConfig } = require(path.join(packageDir, 'dist', 'nodes', 'shared', 'storeFromCredential'));
	const file = data.file || path.join(userFolder, '.n8n', 'lead-management.sqlite');
	if (data.backend === 'sqlite') fs.mkdirSync(path.dirname(file), { recursive: true });
	const store = await core.openLeadStore(storeConfig({ ...data, file }));
	try {
		return await use(store);
	} finally {
		await store.close();
	}
}

/** The demo team, its "Sales" pool and a few leads; what exists already is left as it is. */
async function seedStore({ packageDir, userFolder, data }) {
	return withDistStore(packageDir, userFolder, data, (store) =>
		store.transaction(async (t) => {
			const made = { members: 0, pool: false, leads: 0 };
			const existing = await t.listMembers();
			const members = [];
			for (const person of DEMO_TEAM) {
				let member = existing.find((m) => m.email === person.email);
				if (!member) {
					member = await t.createMember(person);
					made.members++;
				}
				members.push(member);
			}
			if (!(await t.listPools()).some((p) => p.name === DEMO_POOL)) {
				await t.definePool({ name: DEMO_POOL, members: members.map((m) => ({ member: { id: m.id }, weight: 1 })) });
				made.pool = true;
			}
			if ((await t.findLeads({ limit: 1 })).items.length === 0) {
				for (const { company, ...lead } of DEMO_LEADS) {
					await t.createLead({ ...lead, custom: { company } }, { actor: { kind: 'import', name: 'npm start demo data' } });
					made.leads++;
				}
			}
			return { made, team: members.map((m) => `${m.name} <${m.email}>`) };
		}),
	);
}

function ownerFromEnv(env) {
	if (!env.LEAD_OWNER_EMAIL && !env.LEAD_OWNER_PASSWORD) return undefined;
	if (!env.LEAD_OWNER_EMAIL || !env.LEAD_OWNER_PASSWORD) throw new Error('Set both LEAD_OWNER_EMAIL and LEAD_OWNER_PASSWORD, or neither');
	return { email: env.LEAD_OWNER_EMAIL, password: env.LEAD_OWNER_PASSWORD };
}

// n8n's password rule: 8-64 characters, a number and a capital letter.
function generatePassword() {
	return `Lead-${crypto.randomBytes(9).toString('base64url')}-7Q`;
}

/** Owner, API key and cookie: created on the first start, logged in with afterwards. */
async function ensureOwner(baseUrl, state, env) {
	const fromEnv = ownerFromEnv(env);
	const owner = { firstName: 'Lead', lastName: 'Owner', email: 'owner@lead-desk.local', ...state.owner, ...fromEnv };
	let created = false;
	let client;
	if (await N8nClient.needsOwnerSetup(baseUrl)) {
		owner.password = owner.password || generatePassword();
		client = await N8nClient.setupOwner(baseUrl, owner, 'npm start');
		created = true;
	} else {
		if (!owner.password) {
			throw new Error(
				`n8n at ${baseUrl} already has an owner that npm start did not create; set LEAD_OWNER_EMAIL and LEAD_OWNER_PASSWORD to that login`,
			);
		}
		const cookie = await N8nClient.cookieFor(baseUrl, '/rest/login', { emailOrLdapLoginId: owner.email, password: owner.password });
		client = new N8nClient(baseUrl, cookie, state.apiKey || '');
		if (!(await apiKeyWorks(client))) client = await N8nClient.logInOwner(baseUrl, owner, 'npm start');
	}
	state.owner = owner;
	state.apiKey = client.apiKey;
	return { client, owner, created };
}

async function apiKeyWorks(client) {
	if (!client.apiKey) return false;
	try {
		await client.api('GET', '/workflows?limit=1');
		return true;
	} catch (error) {
		if (error.status === 401 || error.status === 403) return false;
		throw error;
	}
}

async function ensureCredential(client, state, data) {
	const name = credentialName(data);
	const existing = (await client.rest('GET', '/rest/credentials')) || [];
	const found = existing.find((c) => c.type === CREDENTIAL_TYPE && (c.id === state.credential?.id || c.name === name));
	if (found) {
		state.credential = { id: found.id, name: found.name };
		return { credential: state.credential, created: false };
	}
	const made = await client.createCredential(CREDENTIAL_TYPE, name, data);
	state.credential = { id: made.id, name: made.name };
	return { credential: state.credential, created: true };
}

/**
 * Imports each example not imported yet (by name) and publishes those that need no outside
 * account. An example the user deleted is imported again; one they changed is left alone.
 */
async function ensureExamples(client, credential, examples = loadExamples()) {
	const existing = await client.listWorkflows();
	const report = [];
	for (const example of examples) {
		let workflow = existing.find((w) => w.name === example.workflow.name);
		const imported = !workflow;
		if (!workflow) workflow = await client.createWorkflow(bindCredentials(example.workflow, credential));
		const outside = needsOutsideAccount(example.workflow);
		let published = workflow.active === true;
		if (imported && outside.length === 0) {
			await client.activate(workflow.id);
			published = true;
		}
		report.push({ file: example.file, name: example.workflow.name, id: workflow.id, imported, published, needs: outside });
	}
	return report;
}

/** Everything after n8n answers: owner, credential, examples. The store was seeded before. */
async function prepareDesk({ baseUrl, userFolder, env = process.env, examples }) {
	const state = readState(userFolder);
	const data = storeCredentialData(env);
	const { client, owner, created } = await ensureOwner(baseUrl, state, env);
	writeState(userFolder, state); // the password is kept even if a later step fails
	const { credential, created: credentialCreated } = await ensureCredential(client, state, data);
	writeState(userFolder, state);
	const workflows = await ensureExamples(client, credential, examples);
	return { client, owner, ownerCreated: created, credential, credentialCreated, backend: data.backend, workflows };
}

function summary({ baseUrl, desk, seeded }) {
	const lines = [
		'',
		'────────────────────────────────────────────────────────────',
		` Lead desk ready: ${baseUrl}`,
		` Log in as ${desk.owner.email}  password ${desk.owner.password}${desk.ownerCreated ? '  (new owner)' : ''}`,
		` Lead Store credential "${desk.credential.name}" (${desk.backend})${desk.credentialCreated ? ' created' : ''}`,
		` Team: ${seeded.team.join(', ')}; round-robin pool "${DEMO_POOL}"${seeded.made.members || seeded.made.pool ? ' (created)' : ''}`,
		' Workflows:',
		...desk.workflows.map(
			(w) =>
				`   ${w.published ? 'published  ' : 'not active '} ${w.name}${w.imported ? ' (imported)' : ''}` +
				(w.needs.length ? `  add a credential (${w.needs.join(', ')}) first: see its sticky note` : ''),
		),
		'────────────────────────────────────────────────────────────',
		'',
	];
	return lines.join('\n');
}

module.exports = {
	STATE_FILE,
	DEMO_TEAM,
	DEMO_POOL,
	readState,
	storeCredentialData,
	credentialName,
	seedStore,
	ensureOwner,
	ensureCredential,
	ensureExamples,
	prepareDesk,
	summary,
};
