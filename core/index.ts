/** The n8n-free core of the lead-management package. Nothing here imports n8n. */
export * from './errors';
export * from './model';
export * from './validation';
export * from './filters/audienceFilter';
export * from './fields/leadFields';
export * from './fields/opportunityFields';
export { CURRENCIES, DEFAULT_CURRENCY, currencyCode, minorDigits, amountToMinor, minorToAmount } from './money/currency';
export type { OpportunityWriteOptions, OpportunityTarget, OpportunityUpdate, OpportunityQuery } from './store/opportunities';
export { LeadStore, openLeadStore, openDriver, type StoreConfig, type StoreOptions } from './store/LeadStore';
export { LeadOps } from './store/LeadOps';
export { START, comparePositions, isAfter, type EventPosition } from './store/events';
export { MAX_CAUSATION_DEPTH } from './store/leads';
export { migrate, schemaVersion, LATEST_VERSION, MIGRATIONS } from './sql/migrations';
export type { SqlDriver, SqlSession, Dialect } from './sql/SqlDriver';
export { computeDueAt, timezone, DUE_UNITS, type DueInput, type DueAt, type DueAfter, type DueImmediately, type DueUnit } from './tasks/dueDate';
export * from './sendWindow';
export { memberAtTurn, nextEligibleTurn, pickNext, rotationCycle, type Contender, type Pick } from './rotation/smoothWeighted';
export type { NoteInput } from './store/notes';
export type { TaskInput, TaskAssignee, TaskHoldInput, CreatedTask } from './store/tasks';
export { CALL_CLOSES, soleHolder, type CloseStatus, type CloseOptions, type ClosedTask, type TaskQuery } from './store/taskClosing';
export type { SendWindow } from './store/sendWindows';
export type { PoolDefinition, PoolMemberInput, Pool, PoolMember } from './store/pools';
export { WHEN_ASSIGNED, type WhenAssigned, type AssignOptions, type AssignResult, type Assignment } from './store/assign';
export {
	openSubscription,
	findSubscription,
	deleteSubscription,
	startFromActivationMode,
	DEFAULT_CATCH_UP_WINDOW_MS,
	SUBSCRIPTION_KINDS,
	type Subscription,
	type SubscriptionKind,
	type StartFrom,
	type OpenSubscriptionInput,
} from './store/subscriptions';
export {
	DAY_MS,
	STALE_MODES,
	MAX_STALE_DAYS,
	daysInactive,
	staleWindow,
	staleDays,
	type StaleMode,
	type StaleCriteria,
	type StaleLead,
} from './store/stale';
export {
	resolveEventCriteria,
	resolveStaleCriteria,
	type EventTriggerKind,
	type EventCriteria,
	type EventCriteriaInput,
	type LeadCreatedCriteriaInput,
	type StageChangedCriteriaInput,
	type StaleCriteriaInput,
} from './delivery/criteria';
export type {
	DeliveredEvent,
	LeadCreatedDelivery,
	LeadStageChangedDelivery,
	StageSnapshot,
	StatusSnapshot,
	OpportunityCreatedDelivery,
	OpportunityUpdatedDelivery,
	OpportunityStatusChangedDelivery,
} from './delivery/payload';
export { OPPORTUNITY_EVENT_KINDS, type OpportunityEventKind, type OpportunityCriteriaInput } from './delivery/opportunityCriteria';
export { EventFeed, startEventFeed, DEFAULT_POLL_MS, type EventFeedOptions, type DeliveryHandlers } from './delivery/EventFeed';
export {
	StaleWatch,
	startStaleWatch,
	scanStale,
	DEFAULT_STALE_CHECK_MS,
	MIN_STALE_CHECK_MS,
	type StaleWatchOptions,
} from './delivery/staleWatch';
export { sampleEvent, type SampleOptions, type StaleSample, type StaleSampleCriteria } from './delivery/sample';
