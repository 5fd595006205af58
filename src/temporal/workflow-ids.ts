/**
 * Every workflow id and schedule id, in one place. Ids are how a second start finds the run
 * already going (or done) for the same org and day, so their spelling is part of the contract:
 * change one and a running lake starts duplicate work (and recorded histories stop replaying).
 */
export const workflowIds = {
  dailyCollect: (org: string) => `daily-collect/${org}`,
  collectDay: (org: string, day: string) => `collect-day/${org}/${day}`,
  backfill: (org: string, from: string, to: string) => `backfill/${org}/${from}..${to}`,
  /** The checks of one sealed version of a day (a new version gets its own run). */
  runChecks: (org: string, day: string, version: number) => `run-checks/${org}/${day}/v${version}`,
  /** The delivery of sealed days to one SIEM sink (one long-running workflow per sink). */
  deliver: (org: string, sink: string) => `deliver/${org}/${sink}`,
  /** The OCSF copy of one sealed version of a day. */
  ocsfExport: (org: string, day: string, version: number) => `ocsf-export/${org}/${day}/v${version}`,
  schemaRecrawl: (org: string) => `schema-recrawl/${org}`,
  ingest: (org: string) => `ingest/${org}`,
  rehydrate: (org: string, eventId: string) => `rehydrate/${org}/${eventId}`,
  archiveRestore: (org: string, from: string, to: string) => `archive-restore/${org}/${from}..${to}`,
  /** The access snapshot of one day (users, roles, grants, OAuth clients, divisions), listed in the day's manifest. */
  accessSnapshot: (org: string, day: string) => `access-snapshot/${org}/${day}`,
  /** The checks an archive restore runs when it is done, as its child. */
  checksAfter: (parentWorkflowId: string) => `${parentWorkflowId}/checks`,
};

export const scheduleIds = {
  dailyCollect: (org: string) => `daily-collect/${org}`,
  schemaRecrawl: (org: string) => `schema-recrawl/${org}`,
};
