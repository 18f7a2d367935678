export { runFleet } from './fleet.mjs';
export { formatSummary } from './summary.mjs';
