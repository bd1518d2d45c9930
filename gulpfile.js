// Build helpers around tsc: an empty dist/ first, so the tarball never carries files of an older
// build (a renamed module, a source map from before maps were turned off); then the SVG icons,
// copied to dist/ where the built nodes and credentials point at them.
const fs = require('node:fs');
const { src, dest, task } = require('gulp');

task('clean', (done) => {
	fs.rmSync('dist', { recursive: true, force: true });
	done();
});

task('build:icons', () => src('icons/*.svg').pipe(dest('dist/icons')));
