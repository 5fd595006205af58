export { lakeProbeWorkflow } from './lake-probe';
