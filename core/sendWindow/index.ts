export { WEEKDAYS, parseSendWindow, windowName, type Weekday, type OpenHours, type Blackout, type SendWindowDefinition } from './definition';
export { checkWindow, type WindowCheck } from './schedule';
