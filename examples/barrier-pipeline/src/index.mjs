export { runPipeline } from './pipeline.mjs';
export { formatSummary } from './summary.mjs';
