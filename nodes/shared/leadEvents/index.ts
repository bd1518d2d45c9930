/**
 * The lead trigger events, one table: each event's label, its settings (shown before the audience
 * filter), its Options collection and how it starts. The three single-event trigger nodes and the
 * Lead Trigger (which n8n's node creator lists with the Lead node) are all built from it.
 */
import type { INodeProperties, ITriggerFunctions, ITriggerResponse } from 'n8n-workflow';
import { eventTriggerOptions } from '../descriptions';
import { optionsFrom } from '../options';
import { getOpenStages, getStages, getStagesOrAny } from '../stageOptions';
import * as leadCreated from './leadCreated';
import * as leadStatusChanged from './leadStatusChanged';
import * as staleLead from './staleLead';

export interface LeadTriggerEvent {
	settings: INodeProperties[];
	options: INodeProperties;
	start(fn: ITriggerFunctions): Promise<ITriggerResponse>;
}

export const LEAD_TRIGGER_EVENTS = {
	leadCreated: { ...leadCreated, options: eventTriggerOptions },
	leadStatusChanged: { ...leadStatusChanged, options: eventTriggerOptions },
	staleLead,
} satisfies Record<string, LeadTriggerEvent>;
export type LeadTriggerEventName = keyof typeof LEAD_TRIGGER_EVENTS;

export const leadTriggerEventOptions = optionsFrom(Object.keys(LEAD_TRIGGER_EVENTS) as LeadTriggerEventName[], {
	leadCreated: { name: 'Lead Created', description: 'A new lead is added (form, integration, import, a person)' },
	leadStatusChanged: { name: 'Lead Status Changed', description: 'A lead moves to one of the chosen stages' },
	staleLead: { name: 'Stale Lead', description: 'A lead in the chosen open stages has had no activity for a set number of days' },
});

/** Every stage dropdown the events use. */
export const stageLoadOptions = { getStages, getStagesOrAny, getOpenStages };
