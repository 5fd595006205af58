#!/usr/bin/env node
import { Command } from 'commander';
import { fatal } from './output';
import { up } from './commands/up';
import { describeSettings } from './commands/config';

const program = new Command()
  .name('gcaudit')
  .description('Audit Lake for Genesys Cloud: collect audit logs into an immutable lake and check them');

program
  .command('up')
  .description('run the embedded local stack: Temporal dev server with Web UI, MinIO, and the worker')
  .action(up);

program
  .command('config')
  .description('list every setting, its environment variable and default')
  .action(() => {
    process.stdout.write(describeSettings());
  });

program.parseAsync().catch(fatal);
