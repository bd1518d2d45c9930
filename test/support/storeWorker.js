// A second OS process working on a lead store, for tests that need real cross-process
// concurrency. Run by runWorkers (workers.ts): it loads the compiled core and a job module,
// lets the job set up, reports "ready", waits for "go" on stdin (so every process starts its
// work together), runs the job and prints its result as one JSON line.
const request = JSON.parse(process.argv[2]);
const core = require(request.coreDir);
const job = require(request.job);

let go;
const started = new Promise((resolve) => (go = resolve));
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
	if (chunk.includes('go')) go();
});

const send = (message) => process.stdout.write(JSON.stringify(message) + '\n');
const ready = async () => {
	send({ ready: true });
	await started;
};

job(core, request.args, ready)
	.then((result) => {
		send({ result });
		process.stdin.destroy();
	})
	.catch((error) => {
		send({ error: { message: error.message, code: error.code, field: error.field, stack: error.stack } });
		process.exitCode = 1;
		process.stdin.destroy();
	});
