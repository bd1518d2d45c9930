/** The lead's editable fields, shared by Create (additional fields) and Update. */
import type { INodeProperties } from 'n8n-workflow';
import { memberLocator, priorityOptions, stageLocator } from '../../../shared/descriptions';

export { priorityOptions };

export const leadFieldOptions: INodeProperties[] = [
	{ displayName: 'Custom Fields', name: 'custom', type: 'fixedCollection', typeOptions: { multipleValues: true }, default: {}, placeholder: 'Add Custom Field', options: [
		{ displayName: 'Field', name: 'field', values: [
			{ displayName: 'Name', name: 'name', type: 'string', default: '' },
			{ displayName: 'Value', name: 'value', type: 'string', default: '' },
		] },
	] },
	{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
	{ displayName: 'Gender', name: 'gender', type: 'string', default: '' },
	{ displayName: 'Name', name: 'name', type: 'string', default: '' },
	{ ...memberLocator({ displayName: 'Owner', name: 'owner', required: false }) },
	{ displayName: 'Phone', name: 'phone', type: 'string', default: '' },
	{ displayName: 'Priority', name: 'priority', type: 'options', options: priorityOptions, default: 'normal' },
	{ displayName: 'Source', name: 'source', type: 'string', default: '', placeholder: 'e.g. Facebook Ads' },
	{ ...stageLocator({ required: false }) },
	{ displayName: 'Type', name: 'type', type: 'string', default: '', placeholder: 'e.g. Business' },
];
