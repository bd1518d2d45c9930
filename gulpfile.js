// Copies the SVG icons into dist/, where the built nodes and credentials point at them.
const { src, dest, task } = require('gulp');

task('build:icons', () => src('icons/*.svg').pipe(dest('dist/icons')));
