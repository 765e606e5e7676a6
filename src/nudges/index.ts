// Deadlines and nudges in group chats: the public surface.
export { chinaCalendar, fallbackIsWorkday, type WorkCalendar } from './calendar.ts';
export {
  createDeadlineFeature,
  type DeadlineDeps,
  type DeadlineFeature,
  type DeadlineSettings,
  applyRoster,
  CONFIRM_WITHIN_MS,
  EXPORT_JOB,
  GRACE_MS,
  NUDGE_JOB,
  type NudgeJobData,
  type NudgeOutcome,
  type RosterIntent,
  nudgeJobId,
  sendUuid,
  type UpsertResult,
} from './feature.ts';
export { parseCommand, parseDue, readDue, type Command, type DueError } from './parse.ts';
export { DEFAULT_OFFSETS, type PlannedNudge, planNudges } from './plan.ts';
export { type PersonStatus, type Progress, progressOf, reportStatusSource, type StatusSource } from './progress.ts';
export { type Deadline, DeadlineStore, type Roster, RosterStore } from './store.ts';
export { DL_TEXT, deadlineExample, type DeadlineExample } from './texts.ts';
