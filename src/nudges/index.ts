// Deadlines and nudges in group chats: the public surface.
export { chinaCalendar, fallbackIsWorkday, type WorkCalendar } from './calendar.ts';
export {
  createDeadlineFeature,
  type DeadlineDeps,
  type DeadlineFeature,
  type DeadlineSettings,
  LATE_MS,
  NUDGE_JOB,
  type NudgeJobData,
  type NudgeOutcome,
  nudgeJobId,
  sendUuid,
  type UpsertResult,
} from './feature.ts';
export { parseCommand, parseDue, type Command } from './parse.ts';
export { DEFAULT_OFFSETS, type PlannedNudge, planNudges } from './plan.ts';
export { type PersonStatus, type Progress, progressOf, reportStatusSource, type StatusSource } from './progress.ts';
export { type Deadline, DeadlineStore } from './store.ts';
