#!/usr/bin/env node
import { Argument, Command, CommanderError, Option } from 'commander';
import { fetchSecretArns } from '../config/secret-arns';
import { EXIT, fatal } from './output';
import { up } from './commands/up';
import { describeSettings } from './commands/config';
import { backfill } from './commands/backfill';
import { schedule, ScheduleAction } from './commands/schedule';
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
import { lookup } from './commands/lookup';
import { deliver } from './commands/deliver';
import { ocsfExport } from './commands/ocsf';
import { accessSnapshot } from './commands/access';
import { accessReviewCommand } from './commands/access-review';

const exitWith = (code: number) => {
  process.exitCode = code;
};

const program = new Command()
  .name('gcaudit')
  .description('Audit Lake for Genesys Cloud: collect audit logs into an immutable lake and check them')
  .option('--debug', 'print the stack trace of an error')
  .showHelpAfterError()
  // A usage error (unknown option, missing argument, a value not among the choices) exits 2 at
  // once; every subcommand inherits this.
  .exitOverride((err) => {
    throw err;
  })
  // Secrets given as <NAME>_SECRET_ARN are fetched once, before any command loads the config.
  .hook('preAction', () => fetchSecretArns());

program
  .command('up')
  .description(
    'run the embedded local stack: Temporal dev server with Web UI, MinIO, the sandbox org when no Genesys org is configured, and the worker',
  )
  .action(up);

program
  .command('config')
  .description('list every setting, its environment variable and default')
  .action(() => {
    process.stdout.write(describeSettings());
  });

program
  .command('backfill')
  .description(
    'collect a range of UTC days (inside the API retention) with bounded concurrency, at the backfill budget',
  )
  .requiredOption('--from <day>', 'first day, YYYY-MM-DD')
  .requiredOption('--to <day>', 'last day, YYYY-MM-DD (before today)')
  .option('--follow', 'follow the progress until the backfill ends')
  .option('--concurrency <n>', 'days collected at the same time (default BACKFILL_CONCURRENCY)')
  .addOption(new Option('--pause', 'pause the running backfill of this range').conflicts('resume'))
  .option('--resume', 'resume it (failed days are retried first)')
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await backfill(opts)));

program
  .command('schedule')
  .description('the daily collection schedule: apply (create or update), pause, resume, status')
  .addArgument(new Argument('<action>', 'what to do').choices(['apply', 'pause', 'resume', 'status']))
  .option('--json', 'machine-readable output')
  .action(async (action: string, opts) => exitWith(await schedule(action as ScheduleAction, opts)));

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
  .option('--org-users <n>', 'core users of the org (its configuration APIs list them too)', '120')
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
  .addOption(
    new Option(
      '--client-roles <roles>',
      'roles of the sandbox OAuth client: least-privilege (audits:audit:view only), access-reviewer (also reads users, roles, grants, divisions, OAuth clients) or admin',
    )
      .choices(['least-privilege', 'access-reviewer', 'admin'])
      .default('least-privilege'),
  )
  .action(sim);

const check = program.command('check').description('compliance checks (checks/*.sql) over the lake');
check
  .command('run')
  .description(
    'run the checks over a window; findings are printed, stored in the lake (audit_findings) and posted to CHECKS_WEBHOOK_URL. Exit 3 when there are findings',
  )
  .requiredOption('--from <when>', 'first day YYYY-MM-DD (or an ISO-8601 time)')
  .option('--to <when>', 'last day YYYY-MM-DD, inclusive (or an ISO-8601 time, exclusive); default: --from')
  .option('--check <id...>', 'only these checks')
  .addOption(new Option('--engine <engine>', 'query engine (default QUERY_ENGINE)').choices(['duckdb', 'athena']))
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
  .addOption(new Option('--engine <engine>', 'query engine (default QUERY_ENGINE)').choices(['duckdb', 'athena']))
  .option('--from <day>', 'DuckDB: first day to sync and read (default: all)')
  .option('--to <day>', 'DuckDB: last day')
  .option('--json', 'machine-readable output')
  .action(async (sql: string, opts) => exitWith(await query(sql, opts)));

program
  .command('ingest')
  .description(
    'the EventBridge stream ingest (Firehose objects under RAW_PREFIX): start it, show its status (checkpoint, counts, quarantine, rehydrations), or poke it to look now',
  )
  .addArgument(new Argument('<action>', 'what to do').choices(['start', 'status', 'poke']))
  .option('--json', 'machine-readable output')
  .action(async (action: string, opts) => exitWith(await ingest(action as 'start' | 'status' | 'poke', opts)));

program
  .command('athena')
  .description(
    'Athena: ddl prints the database, tables (partition projection), view and named queries; apply runs them',
  )
  .addArgument(new Argument('<action>', 'what to do').choices(['ddl', 'apply']))
  .option('--database <name>', 'database (default ATHENA_DATABASE)')
  .option('--json', 'machine-readable output')
  .action(async (action: string, opts) => exitWith(await athenaCommand(action as 'ddl' | 'apply', opts)));

program
  .command('verify')
  .description(
    "verify the lake for a range of days: the manifest chain and its signatures, every object's SHA-256, version, Object Lock mode and retention, every day sealed, nothing added. Exit 1 when anything is wrong",
  )
  .requiredOption('--from <day>', 'first day, YYYY-MM-DD')
  .requiredOption('--to <day>', 'last day, YYYY-MM-DD')
  .option(
    '--public-key <file>',
    'check signatures against this pinned Ed25519 public key (PEM) instead of the keys stored in the lake',
  )
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await verify(opts)));

const evidence = program.command('evidence').description('evidence packages for auditors');
evidence
  .command('export')
  .description(
    'write an evidence package: HTML report, findings CSV, the manifests, the verification result and a signed index of every file',
  )
  .requiredOption('--from <day>', 'first day, YYYY-MM-DD')
  .requiredOption('--to <day>', 'last day, YYYY-MM-DD')
  .requiredOption('--out <dir>', 'directory to write the package into (created; must be empty)')
  .option('--public-key <file>', 'verify with this pinned public key (PEM) instead of the keys stored in the lake')
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await evidenceExport(opts)));

const ocsf = program
  .command('ocsf')
  .description('the OCSF 1.1 copy of the sealed lake for Amazon Security Lake (custom sources under ext/)');
ocsf
  .command('export')
  .description(
    'write the OCSF copy of the sealed days of a range (one Parquet object per class and seal version; existing objects are left as they are) and print the mapping coverage',
  )
  .requiredOption('--from <day>', 'first day, YYYY-MM-DD')
  .requiredOption('--to <day>', 'last day, YYYY-MM-DD')
  .option('--force', 'write the objects again even where they exist (after a mapping change)')
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await ocsfExport(opts)));

const access = program
  .command('access')
  .description('access reviews: daily snapshots of users, roles, grants, OAuth clients and divisions in the lake');
access
  .command('snapshot')
  .description(
    "take the access snapshot of a sealed day (or each day of a range): Parquet tables listed in the day's manifest; a day that has one already writes nothing",
  )
  .requiredOption('--day <day>', 'the day, YYYY-MM-DD (the first, with --to)')
  .option('--to <day>', 'last day of a range, YYYY-MM-DD')
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await accessSnapshot(opts)));
access
  .command('review')
  .description(
    'who holds which role and permission on a day (its snapshot), and what changed since, each change with the audit event that explains it or its finding. Exit 3 when a change has no explaining event',
  )
  .requiredOption('--as-of <day>', 'the review day YYYY-MM-DD (its snapshot, or the latest before it)')
  .option(
    '--since <day>',
    'changes after this day YYYY-MM-DD (the previous review); default: since the snapshot before',
  )
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await accessReviewCommand(opts)));

program
  .command('init')
  .description(
    'configure the lake bucket: versioning, default Object Lock retention, lifecycle (archive transition, expiry after the retention, _staging/ cleanup)',
  )
  .option('--dry-run', 'print the configuration without applying it')
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await init(opts)));

program
  .command('restore')
  .description(
    'restore the archived parts of a range of days (RestoreObject), wait durably until readable, then run checks, verify or export',
  )
  .requiredOption('--from <day>', 'first day, YYYY-MM-DD')
  .requiredOption('--to <day>', 'last day, YYYY-MM-DD')
  .addOption(
    new Option('--then <action>', 'what to do once the parts are readable')
      .choices(['checks', 'verify', 'export', 'none'])
      .default('none'),
  )
  .option('--out <dir>', "with --then export: the package directory (on the worker's machine)")
  .option('--wait', 'wait for the workflow to end and print its result')
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await restore(opts)));

program
  .command('deliver')
  .description(
    'deliver sealed days (events and findings, each part verified first) to a SIEM: Splunk HEC, acknowledged, recorded in the delivery ledger; days already delivered send nothing',
  )
  .requiredOption('--sink <sink>', 'splunk')
  .requiredOption('--from <day>', 'first day, YYYY-MM-DD')
  .requiredOption('--to <day>', 'last day, YYYY-MM-DD')
  .option('--follow', 'follow the progress until the days are delivered')
  .option('--json', 'machine-readable output')
  .action(async (opts) => exitWith(await deliver(opts)));

program
  .command('lookup')
  .description(
    "the token a person's name is stored as (MASK_PERSON_NAMES=pseudonymize), and a query that finds their events; needs MASK_HMAC_KEY",
  )
  .requiredOption('--name <name>', 'the person\'s name as Genesys shows it, e.g. "Jane Doe" (case and spacing ignored)')
  .option('--json', 'machine-readable output')
  .action((opts: { name?: string; json?: boolean }) => exitWith(lookup(opts)));

program.parseAsync().catch((err: unknown) => {
  if (err instanceof CommanderError) process.exit(err.exitCode === 0 ? EXIT.ok : EXIT.usage);
  fatal(err);
});
