/**
 * Every operation of the lead store, bound to one open transaction. Get one from
 * `LeadStore.transaction` (writes) or `LeadStore.read` (reads).
 */
import type { FilterGroup } from '../filters/audienceFilter';
import type { LeadEventType, TaskStatus, LeadFields, MemberRef, OpportunityFields, OpportunityStatusRef, StageRef, WriteContext } from '../model';
import { latestEventId, latestPosition, readEvents, unsettledEvents } from './events';
import * as leads from './leads';
import * as members from './members';
import * as stages from './stages';
import * as notes from './notes';
import * as tasks from './tasks';
import * as taskClosing from './taskClosing';
import * as sendWindows from './sendWindows';
import * as pools from './pools';
import * as assign from './assign';
import * as subscriptions from './subscriptions';
import * as opportunities from './opportunities';
import * as opportunityStatuses from './opportunityStatuses';
import type { Tx } from './Tx';

export class LeadOps {
	constructor(readonly tx: Tx) {}

	/** Runs fn so that, if it throws, only its own writes are undone (a savepoint). */
	isolated<T>(fn: () => Promise<T>): Promise<T> {
		return this.tx.s.savepoint(fn);
	}

	// Leads
	createLead(fields: LeadFields, context?: WriteContext) {
		return leads.createLead(this.tx, fields, context);
	}
	getLead(id: unknown, field?: string) {
		return leads.getLead(this.tx, id, field);
	}
	findLead(id: unknown) {
		return leads.findLead(this.tx, id);
	}
	findLeads(query?: leads.LeadQuery) {
		return leads.findLeads(this.tx, query);
	}
	updateLead(id: unknown, fields: LeadFields, options?: { overwrite?: boolean }, context?: WriteContext) {
		return leads.updateLead(this.tx, id, fields, options, context);
	}
	deleteLead(id: unknown, context?: WriteContext) {
		return leads.deleteLead(this.tx, id, context);
	}
	logActivity(leadId: unknown, input: Parameters<typeof leads.logActivity>[2], context?: WriteContext) {
		return leads.logActivity(this.tx, leadId, input, context);
	}
	listActivities(leadId: unknown) {
		return leads.listActivities(this.tx, leadId);
	}
	changeStage(leadId: unknown, stage: unknown, options?: { force?: boolean }, context?: WriteContext) {
		return leads.changeStage(this.tx, leadId, stage, options, context);
	}
	/** Many stage changes at once; undefined, having written nothing, when they must go one by one. */
	changeStages(moves: readonly leads.StageMove[]) {
		return leads.changeStages(this.tx, moves);
	}

	// Stages
	listStages() {
		return stages.listStages(this.tx);
	}
	getStage(ref: StageRef | unknown, field?: string) {
		return stages.resolveStage(this.tx, ref, field);
	}
	createStage(input: Parameters<typeof stages.createStage>[1]) {
		return stages.createStage(this.tx, input);
	}
	updateStage(ref: StageRef, input: Parameters<typeof stages.updateStage>[2]) {
		return stages.updateStage(this.tx, ref, input);
	}
	reorderStages(order: StageRef[]) {
		return stages.reorderStages(this.tx, order);
	}

	// Team members
	listMembers(options?: { activeOnly?: boolean; search?: string }) {
		return members.listMembers(this.tx, options);
	}
	getMember(ref: MemberRef | unknown, field?: string) {
		return members.resolveMember(this.tx, ref, field);
	}
	createMember(input: Parameters<typeof members.createMember>[1]) {
		return members.createMember(this.tx, input);
	}
	updateMember(ref: MemberRef, input: Parameters<typeof members.updateMember>[2]) {
		return members.updateMember(this.tx, ref, input);
	}

	// Notes and tasks (internal: they do not reset staleness)
	createNote(leadId: unknown, input: notes.NoteInput, context?: WriteContext) {
		return notes.createNote(this.tx, leadId, input, context);
	}
	listNotes(leadId: unknown) {
		return notes.listNotes(this.tx, leadId);
	}
	createTask(leadId: unknown, input: tasks.TaskInput, context?: WriteContext) {
		return tasks.createTask(this.tx, leadId, input, context);
	}
	listTasks(leadId: unknown, options?: { status?: TaskStatus }) {
		return tasks.listTasks(this.tx, leadId, options);
	}
	getTask(taskId: unknown) {
		return tasks.getTask(this.tx, taskId);
	}
	completeTask(taskId: unknown) {
		return tasks.completeTask(this.tx, taskId);
	}
	/** Done, canceled or skipped; idempotent; hands back the address of a run that may wait for it. */
	closeTask(taskId: unknown, status: taskClosing.CloseStatus, options?: taskClosing.CloseOptions, context?: WriteContext) {
		return taskClosing.closeTask(this.tx, taskId, status, options, context);
	}
	findTasks(query?: taskClosing.TaskQuery) {
		return taskClosing.findTasks(this.tx, query);
	}
	heldTasks(executionId: string, node: string) {
		return taskClosing.heldTasks(this.tx, executionId, node);
	}
	releaseHold(holdId: string) {
		return taskClosing.releaseHold(this.tx, holdId);
	}

	// Send windows, shared by name
	defineSendWindow(input: Parameters<typeof sendWindows.defineSendWindow>[1]) {
		return sendWindows.defineSendWindow(this.tx, input);
	}
	getSendWindow(name: unknown, field?: string) {
		return sendWindows.getSendWindow(this.tx, name, field);
	}
	listSendWindows() {
		return sendWindows.listSendWindows(this.tx);
	}

	// Assignment and round-robin pools
	assignLead(leadId: unknown, options: assign.AssignOptions, context?: WriteContext) {
		return assign.assignLead(this.tx, leadId, options, context);
	}
	listAssignments(leadId: unknown) {
		return assign.listAssignments(this.tx, leadId);
	}
	definePool(definition: pools.PoolDefinition) {
		return pools.definePool(this.tx, definition);
	}
	getPool(ref: unknown) {
		return pools.getPool(this.tx, ref);
	}
	listPools() {
		return pools.listPools(this.tx);
	}

	// Opportunities (internal: they do not reset staleness) and their statuses
	createOpportunity(leadId: unknown, input: OpportunityFields, options?: opportunities.OpportunityWriteOptions, context?: WriteContext) {
		return opportunities.createOpportunity(this.tx, leadId, input, options, context);
	}
	updateOpportunity(
		leadId: unknown,
		target: opportunities.OpportunityTarget,
		fields: OpportunityFields,
		options?: opportunities.OpportunityWriteOptions & { overwrite?: boolean },
		context?: WriteContext,
	) {
		return opportunities.updateOpportunity(this.tx, leadId, target, fields, options, context);
	}
	getOpportunity(id: unknown, field?: string) {
		return opportunities.getOpportunity(this.tx, id, field);
	}
	findOpportunities(query?: opportunities.OpportunityQuery) {
		return opportunities.findOpportunities(this.tx, query);
	}
	deleteOpportunity(id: unknown) {
		return opportunities.deleteOpportunity(this.tx, id);
	}
	listOpportunityStatuses() {
		return opportunityStatuses.listStatuses(this.tx);
	}
	getOpportunityStatus(ref: OpportunityStatusRef | unknown, field?: string) {
		return opportunityStatuses.resolveStatus(this.tx, ref, field);
	}
	createOpportunityStatus(input: Parameters<typeof opportunityStatuses.createStatus>[1]) {
		return opportunityStatuses.createStatus(this.tx, input);
	}
	updateOpportunityStatus(ref: OpportunityStatusRef, input: Parameters<typeof opportunityStatuses.updateStatus>[2]) {
		return opportunityStatuses.updateStatus(this.tx, ref, input);
	}
	reorderOpportunityStatuses(order: OpportunityStatusRef[]) {
		return opportunityStatuses.reorderStatuses(this.tx, order);
	}

	// Events
	readEvents(options: { after: number; types?: readonly LeadEventType[]; limit?: number }) {
		return readEvents(this.tx, options);
	}
	latestEventId() {
		return latestEventId(this.tx);
	}
	/** Where a reader that starts now begins (see store/events.ts). */
	latestPosition() {
		return latestPosition(this.tx);
	}
	/** Committed events that delivery cannot take yet: an older transaction is still running. */
	unsettledEvents() {
		return unsettledEvents(this.tx);
	}

	// Trigger subscriptions (delivery itself: core/delivery)
	openSubscription(input: subscriptions.OpenSubscriptionInput) {
		return subscriptions.openSubscription(this.tx, input);
	}
	findSubscription(workflowId: string, nodeId: string) {
		return subscriptions.findSubscription(this.tx, workflowId, nodeId);
	}
	deleteSubscription(workflowId: string, nodeId: string) {
		return subscriptions.deleteSubscription(this.tx, workflowId, nodeId);
	}
}

export type { FilterGroup };
