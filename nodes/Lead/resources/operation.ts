/**
 * What every Lead node operation is: its parameters and one handler with one signature, and how
 * a resource turns its table of operations into its Operation parameter (the list of values is
 * the table's keys, so an operation cannot be offered without a handler, or the reverse).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { LeadOps, WriteContext } from '../../../core';
import { optionsFrom, type Option } from '../../shared/options';

export type OperationHandler = (fn: IExecuteFunctions, ops: LeadOps, itemIndex: number, context: WriteContext) => Promise<IDataObject | IDataObject[]>;

export interface Operation {
	description: INodeProperties[];
	execute: OperationHandler;
	/** 'read' for operations that write nothing: they run on a read-only snapshot. */
	access?: 'read' | 'write';
}

export interface Resource<Op extends string = string> {
	operations: Record<Op, Operation>;
	operationOptions: Array<Option<Op>>;
	description: INodeProperties[];
}

/**
 * A resource of the Lead node: its Operation parameter (shown for this resource) from the
 * table and a label per operation, then each operation's own parameters.
 */
export function resource<Op extends string>(
	name: string,
	operations: Record<Op, Operation>,
	labels: Record<NoInfer<Op>, { name: string; action: string }>,
	defaultOperation: NoInfer<Op>,
): Resource<Op> {
	const operationOptions = optionsFrom(Object.keys(operations) as Op[], labels);
	const operationProperty: INodeProperties = {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [name] } },
		options: operationOptions,
		default: defaultOperation,
	};
	const all: Operation[] = Object.values(operations);
	return { operations, operationOptions, description: [operationProperty, ...all.flatMap((op) => op.description)] };
}
