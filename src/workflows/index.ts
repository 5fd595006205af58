export { lakeProbeWorkflow } from './lake-probe';
export { collectDayWorkflow } from './collect-day';
export { backfillWorkflow } from './backfill';
export { dailyCollectWorkflow } from './daily-collect';
export { runChecksWorkflow } from './run-checks';
export { schemaRecrawlWorkflow } from './schema-recrawl';
