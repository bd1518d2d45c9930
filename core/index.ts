/** The n8n-free core of the lead-management package. Nothing here imports n8n. */
export * from './errors';
export * from './model';
export * from './validation';
export * from './filters/audienceFilter';
export { LeadStore, openLeadStore, openDriver, type StoreConfig, type StoreOptions } from './store/LeadStore';
export { LeadOps } from './store/LeadOps';
export { MAX_CAUSATION_DEPTH } from './store/leads';
export { migrate, schemaVersion, LATEST_VERSION, MIGRATIONS } from './sql/migrations';
export type { SqlDriver, SqlSession, Dialect } from './sql/SqlDriver';
