// Watchdog for one n8n process group: `node reaper.js <ownerPid> <groupId>`.
// A jest worker that is killed outright (SIGKILL after a timeout, Ctrl-C) runs no afterAll and no
// exit handler, and n8n would live on holding its ports. This detached process outlives the
// worker, notices it is gone, and takes the n8n group (n8n plus its task runners) down with it.
'use strict';
const ownerPid = Number(process.argv[2]);
const groupId = Number(process.argv[3]);

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return error.code === 'EPERM';
	}
}

const timer = setInterval(() => {
	if (!alive(-groupId)) process.exit(0); // group gone: the harness stopped it normally
	if (alive(ownerPid)) return;
	clearInterval(timer);
	try {
		process.kill(-groupId, 'SIGTERM');
	} catch {
		// the group is gone already
	}
	setTimeout(() => {
		try {
			process.kill(-groupId, 'SIGKILL');
		} catch {
			// the group is gone already
		}
		process.exit(0);
	}, 10_000);
}, 500);
