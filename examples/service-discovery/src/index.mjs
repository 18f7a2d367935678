export { runServiceDiscovery } from './scenario.mjs';
export { formatSummary } from './summary.mjs';
