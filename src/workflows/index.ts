export { lakeProbeWorkflow } from './lake-probe';
export { collectDayWorkflow } from './collect-day';
