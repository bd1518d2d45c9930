// Prints how many contract cases ran on each backend, so a silently skipped backend shows.
class BackendSummaryReporter {
	constructor() {
		this.counts = {};
	}
	onTestResult(_test, result) {
		for (const t of result.testResults) {
			const match = t.ancestorTitles.join(' ').match(/\[(sqlite|postgres)\]/) || t.title.match(/\[(sqlite|postgres)\]/);
			if (!match) continue;
			const c = (this.counts[match[1]] ??= { passed: 0, failed: 0, skipped: 0 });
			if (t.status === 'passed') c.passed++;
			else if (t.status === 'failed') c.failed++;
			else c.skipped++;
		}
	}
	onRunComplete() {
		for (const [backend, c] of Object.entries(this.counts)) {
			console.log(`store cases on ${backend}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
		}
	}
}
module.exports = BackendSummaryReporter;
