// The activity log: parser, ledger, store-backed bot feature. Wire with createActivityFeature (see feature.ts).
export { ACTIVITY_JOBS, type ActivityDeps, type ActivityFeature, createActivityFeature, readCommand } from './feature.ts';
export { buildLedger, ledgerCsv, monthGaps, toReportStats } from './ledger.ts';
export { type ActivityJson, type ParsedActivity, parseActivities, toActivityJson } from './parse.ts';
