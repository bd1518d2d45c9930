import { STAGE_KINDS } from '../../../../core';
import { optionsFrom } from '../../../shared/options';

/** A stage's kind, as the store knows them. */
export const stageKindOptions = optionsFrom(STAGE_KINDS, { open: 'Open', won: 'Won', lost: 'Lost' });
