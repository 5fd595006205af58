#!/usr/bin/env node
import { Command } from 'commander';
import { fatal } from './output';
import { up } from './commands/up';
import { describeSettings } from './commands/config';
import { backfill } from './commands/backfill';
import { schedule } from './commands/schedule';
import { status } from './commands/status';

const exitWith = (code: number) => {
  process.exitCode = code;
};

const program = new Command()
  .name('gcaudit')
  .description('Audit Lake for Genesys Cloud: collect audit logs into an immutable lake and check them')
  .showHelpAfterError();

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

program.parseAsync().catch(fatal);
