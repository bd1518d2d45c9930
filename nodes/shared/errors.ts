/** Core errors → n8n errors that name the item and the field. */
import { NodeOperationError, type INode } from 'n8n-workflow';
import { isLeadStoreError } from '../../core';

export function describeItemError(error: unknown, itemIndex: number): { message: string; field?: string } {
	const field = isLeadStoreError(error) ? error.field : undefined;
	const reason = (error as Error)?.message ?? String(error);
	return { message: `Item ${itemIndex}${field ? `, field "${field}"` : ''}: ${reason}`, field };
}

export function toNodeError(node: INode, error: unknown, itemIndex: number): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	const { message } = describeItemError(error, itemIndex);
	const unavailable = isLeadStoreError(error) && error.code === 'unavailable';
	const nodeError = new NodeOperationError(node, message, {
		itemIndex,
		description: unavailable
			? 'The lead store could not be reached. Check the Lead Store credential (its Test button says what fails).'
			: 'Nothing from this execution was written: all items of one run commit together.',
	});
	// n8n swaps any message that merely contains a code such as ENOENT or EEXIST for a generic
	// sentence, losing the item, the field and the path. Ours already says what happened.
	nodeError.message = message;
	return nodeError;
}

/**
 * An error of the whole run rather than of one item: the store could not be reached or opened,
 * or the commit failed. Nothing of the run was written. Item errors pass through unchanged.
 */
export function toRunError(node: INode, error: unknown): NodeOperationError {
	if (error instanceof NodeOperationError) return error;
	const reason = (error as Error)?.message ?? String(error);
	const unavailable = isLeadStoreError(error) && error.code === 'unavailable';
	const message = unavailable ? `Cannot reach the lead store: ${reason}` : `The lead store could not complete this run: ${reason}`;
	const nodeError = new NodeOperationError(node, message, {
		description: unavailable
			? 'No item was written. Check the Lead Store credential (its Test button says what fails).'
			: 'No item was written: all items of one run commit together, and this commit did not happen.',
	});
	nodeError.message = message; // see toNodeError: keep our words
	return nodeError;
}
