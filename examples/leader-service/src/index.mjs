export { runLeaderService } from './cluster.mjs';
export { formatSummary, formatStatuses } from './summary.mjs';
