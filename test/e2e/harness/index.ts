// The e2e harness: start a real n8n with a package installed the way users install it, and drive it.
export * from './runtime';
export * from './installPackage';
export * from './processes';
export * from './n8nProcess';
export * from './cli';
export * from './api';
export * from './loadErrors';
export * from './setup';
export * from './worker';
export * from './queue';
