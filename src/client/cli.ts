#!/usr/bin/env node
// The AWS SDK warns on every command that its releases after January 2027 need Node 22; the
// versions locked here run on Node 20 (the README says so), so the notice is not repeated.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
import { Command } from 'commander';
import { fetchSecretArns } from '../config/secret-arns';
import { fatal } from './output';
import { up } from './commands/up';
import { describeSettings } from './commands/config';
import { backfill } from './commands/backfill';
import { schedule } from './commands/schedule';
import { status } from './commands/status';
import { sim } from './commands/sim';
import { checkList, checkRun } from './commands/check';
import { query } from './commands/query';
import { athenaCommand } from './commands/athena';
import { ingest } from './commands/ingest';
import { verify } from './commands/verify';
import { evidenceExport } from './commands/evidence';
import { init } from './commands/init';
import { restore } from './commands/restore';

const exitWith = (code: number) => {
  process.exitCode = code;
};

const program = new Command()
  .name('gcaudit')
  .description('Audit Lake for Genesys Cloud: collect audit logs into an immutable lake and check them')
  .showHelpAfterError()
  // Secrets given as <NAME>_SECRET_ARN are fetched once, before any command loads the config.
  .hook('preAction', () => fetchSecretArns());

program
  .command('up')
  .description('run the embedded local stack: Temporal dev server with Web UI, MinIO, the sandbox org when no Genesys org is configured, and the worker')
  .action(up);

program
  .command('config')
  .description('list every setting, its environment variable and default')
  .action(() => {
    process.stdout.write(describeSettings());
  });

program
  .command('backfill')
  .description('collect a range of UTC days (inside the API retention) with bounded concurrency, at the backfill budget')
  .requiredOption('--from <day>', 'first day, YYYY-MM-DD')
  .requiredOption('--to <day>', 'last day, YYYY-MM-DD (before today)')
  .option('--follow', 'follow the progress until the backfill ends')
  .option('--concurrency <n>', 'days collected at the same time (default BACKFILL_CONCURRENCY)')
  .option('--pause', 'pause the running backfill of this range')
  .option('--resume', 'resume it (failed days are retried first)')
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await backfill(opts)));

program
  .command('schedule')
  .description('the daily collection schedule: apply (create or update), pause, resume, status')
  .argument('<action>', 'apply | pause | resume | status')
  .option('--json', 'machine-readable output')
  .action(async (action: string, opts) => exitWith(await schedule(action, opts)));

program
  .command('status')
  .description('last sealed day, gaps inside the API retention, the schedule and running backfills')
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await status(opts)));

program
  .command('sim')
  .description('run the Genesys Cloud sandbox org simulator (audit API, OAuth, optional Firehose stream) until Ctrl-C')
  .option('--port <n>', 'port on 127.0.0.1 (0: any free port; default LOCAL_SIM_PORT, 8787)')
  .option('--seed <seed>', 'same seed, same org and events', 'gcaudit-sim')
  .option('--events-per-day <n>', 'audit events per weekday (weekends about 40 %)', '2000')
  .option('--rate-limit <n>', 'requests per minute per access token', '300')
  .option('--token-lifetime <seconds>', 'lifetime of access tokens (default 86400)')
  .option('--fault-429 <share>', 'share of requests answered 429')
  .option('--fault-5xx <share>', 'share of requests answered 5xx')
  .option('--fault-reset <share>', 'share of responses cut mid-body')
  .option('--late-events <share>', 'share of events visible hours after their eventDate')
  .option('--duplicates <share>', 'share of results pages whose last event repeats on the next page')
  .option('--failed-queries <share>', 'share of async queries that end Failed')
  .option('--slow-polls <n>', 'extra status polls before a query completes')
  .option('--firehose-interval <seconds>', 'also deliver the EventBridge stream to S3 raw/ every N seconds')
  .option('--client-roles <roles>', 'roles of the sandbox OAuth client: least-privilege (audits:audit:view only) or admin', 'least-privilege')
  .action(sim);

const check = program.command('check').description('compliance checks (checks/*.sql) over the lake');
check
  .command('run')
  .description('run the checks over a window; findings are printed, stored in the lake (audit_findings) and posted to CHECKS_WEBHOOK_URL. Exit 3 when there are findings')
  .requiredOption('--from <when>', 'first day YYYY-MM-DD (or an ISO-8601 time)')
  .option('--to <when>', 'last day YYYY-MM-DD, inclusive (or an ISO-8601 time, exclusive); default: --from')
  .option('--check <id...>', 'only these checks')
  .option('--engine <engine>', 'duckdb or athena (default QUERY_ENGINE)')
  .option('--param <name=value...>', 'override a check parameter, e.g. min_count=5')
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await checkRun(opts)));
check
  .command('list')
  .description('list the checks with their controls and parameters')
  .option('--json', 'machine-readable output')
  .action((opts: { json?: boolean }) => exitWith(checkList(opts)));

program
  .command('query')
  .description('run SQL over audit_events, audit_events_live, audit_events_all and audit_findings')
  .argument('<sql>', 'the query')
  .option('--engine <engine>', 'duckdb or athena (default QUERY_ENGINE)')
  .option('--from <day>', 'DuckDB: first day to sync and read (default: all)')
  .option('--to <day>', 'DuckDB: last day')
  .option('--json', 'machine-readable output')
  .action(async (sql: string, opts) => exitWith(await query(sql, opts)));

program
  .command('ingest')
  .description('the EventBridge stream ingest (Firehose objects under RAW_PREFIX): start it, show its status (checkpoint, counts, quarantine, rehydrations), or poke it to look now')
  .argument('<action>', 'start | status | poke')
  .option('--json', 'machine-readable output')
  .action(async (action: string, opts) => exitWith(await ingest(action, opts)));

program
  .command('athena')
  .description('Athena: ddl prints the database, tables (partition projection), view and named queries; apply runs them')
  .argument('<action>', 'ddl | apply')
  .option('--database <name>', 'database (default ATHENA_DATABASE)')
  .option('--json', 'machine-readable output')
  .action(async (action: string, opts) => exitWith(await athenaCommand(action, opts)));

program
  .command('verify')
  .description('verify the lake for a range of days: the manifest chain and its signatures, every object\'s SHA-256, version, Object Lock mode and retention, every day sealed, nothing added. Exit 1 when anything is wrong')
  .requiredOption('--from <day>', 'first day, YYYY-MM-DD')
  .requiredOption('--to <day>', 'last day, YYYY-MM-DD')
  .option('--public-key <file>', 'check signatures against this pinned Ed25519 public key (PEM) instead of the keys stored in the lake')
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await verify(opts)));

const evidence = program.command('evidence').description('evidence packages for auditors');
evidence
  .command('export')
  .description('write an evidence package: HTML report, findings CSV, the manifests, the verification result and a signed index of every file')
  .requiredOption('--from <day>', 'first day, YYYY-MM-DD')
  .requiredOption('--to <day>', 'last day, YYYY-MM-DD')
  .requiredOption('--out <dir>', 'directory to write the package into (created; must be empty)')
  .option('--public-key <file>', 'verify with this pinned public key (PEM) instead of the keys stored in the lake')
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await evidenceExport(opts)));

program
  .command('init')
  .description('configure the lake bucket: versioning, default Object Lock retention, lifecycle (archive transition, expiry after the retention, _staging/ cleanup)')
  .option('--dry-run', 'print the configuration without applying it')
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await init(opts)));

program
  .command('restore')
  .description('restore the archived parts of a range of days (RestoreObject), wait durably until readable, then run checks, verify or export')
  .requiredOption('--from <day>', 'first day, YYYY-MM-DD')
  .requiredOption('--to <day>', 'last day, YYYY-MM-DD')
  .option('--then <action>', 'checks | verify | export | none', 'none')
  .option('--out <dir>', 'with --then export: the package directory (on the worker\'s machine)')
  .option('--wait', 'wait for the workflow to end and print its result')
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await restore(opts)));

program.parseAsync().catch(fatal);
