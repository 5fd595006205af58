import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { loadConfig } from '../src/config/config';
import { PROJECT_ROOT } from '../src/paths';
import { collectionDay } from '../src/days';
import { freePort } from '../src/stack/free-port';
import { createS3Client } from '../src/s3/client';
import { describeLakeBucket } from '../src/s3/lake-bucket';

// The README's main command, end to end: `gcaudit up` in a fresh data dir on free ports, with no
// TEMPORAL_ADDRESS / S3_ENDPOINT, so it starts its own Temporal (with Web UI) and MinIO.

function startUp(env: NodeJS.ProcessEnv): { child: ChildProcess; ready: Promise<string>; output: () => string } {
  const child = spawn(process.execPath, [path.join(PROJECT_ROOT, 'dist/src/client/cli.js'), 'up'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gcaudit up not ready in 90s:\n${out}`)), 90_000);
    child.stdout!.on('data', () => {
      if (out.includes('Press Ctrl-C to stop.')) {
        clearTimeout(timer);
        resolve(out);
      }
    });
    child.once('exit', (code) => reject(new Error(`gcaudit up exited with ${code}:\n${out}`)));
  });
  return { child, ready, output: () => out };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

test(
  'gcaudit up runs Temporal with its Web UI, MinIO with an Object Lock bucket and the worker; Ctrl-C stops it; a second up resumes',
  { timeout: 240_000 },
  async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'gcaudit-up-'));
    const ports = {
      LOCAL_TEMPORAL_PORT: await freePort(),
      LOCAL_TEMPORAL_UI_PORT: await freePort(),
      LOCAL_MINIO_PORT: await freePort(),
      LOCAL_MINIO_CONSOLE_PORT: await freePort(),
      LOCAL_SIM_PORT: await freePort(),
    };
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      GCAUDIT_DATA_DIR: dataDir,
      // A short API retention keeps the first run's gap backfill small.
      AUDIT_RETENTION_DAYS: '3',
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    };
    for (const k of [
      'TEMPORAL_ADDRESS',
      'S3_ENDPOINT',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
      'S3_BUCKET',
      'MASK_HMAC_KEY',
      'MANIFEST_SIGNING_KEY',
    ])
      delete env[k];
    const config = loadConfig(env);

    // First run. Every `gcaudit up` started here is stopped in the finally, whatever fails.
    const first = startUp(env);
    let second: ReturnType<typeof startUp> | undefined;
    try {
      const banner = await first.ready;
      assert.match(banner, new RegExp(`Temporal Web UI\\s+http://127\\.0\\.0\\.1:${ports.LOCAL_TEMPORAL_UI_PORT}`));
      assert.match(banner, /Object Lock Enabled/);

      const ui = await fetch(`http://127.0.0.1:${ports.LOCAL_TEMPORAL_UI_PORT}`);
      assert.equal(ui.status, 200);
      assert.match(await ui.text(), /<html/i);

      const s3 = createS3Client(config);
      assert.deepEqual(await describeLakeBucket(s3, config.s3.bucket), {
        versioning: 'Enabled',
        objectLock: 'Enabled',
      });

      // The worker inside `up` runs workflows: start one and let it finish.
      const connection = await Connection.connect({ address: `127.0.0.1:${ports.LOCAL_TEMPORAL_PORT}` });
      const client = new Client({ connection });
      const result = await client.workflow.execute('lakeProbeWorkflow', {
        taskQueue: config.temporal.taskQueue,
        workflowId: 'lake-probe/up-test',
        args: ['up-test'],
      });
      assert.equal((result as { lockMode: string }).lockMode, 'COMPLIANCE');

      // Data arrives: the schedules are applied and, the lake being empty, yesterday is collected now.
      assert.match(banner, /the lake has no sealed day yet, so daily-collect\/sandbox runs now/);
      // The day the product collects now (the day before yesterday until DAILY_LAG_MINUTES after midnight).
      const yesterday = collectionDay(Date.now(), config.collection.dailyLagMinutes);
      const deadline = Date.now() + 90_000;
      for (;;) {
        const d = await client.workflow
          .getHandle(`collect-day/sandbox/${yesterday}`)
          .describe()
          .catch(() => undefined);
        if (d?.status.name === 'COMPLETED') break;
        assert.ok(
          Date.now() < deadline,
          `collect-day/sandbox/${yesterday} completes after gcaudit up (${d?.status.name ?? 'not started'})`,
        );
        await new Promise((r) => setTimeout(r, 500));
      }
      const schedules = [];
      for await (const sch of client.schedule.list()) schedules.push(sch.scheduleId);
      assert.deepEqual(schedules.sort(), ['daily-collect/sandbox', 'schema-recrawl/sandbox']);
      await connection.close();

      assert.equal(await stop(first.child), 0, `clean exit on Ctrl-C:\n${first.output()}`);
      assert.match(first.output(), /stopped\./);
      const afterStop = await fetch(`http://127.0.0.1:${ports.LOCAL_TEMPORAL_UI_PORT}`).then(
        () => 'up',
        () => 'down',
      );
      assert.equal(afterStop, 'down', 'the Web UI is stopped with the stack');

      // Second run on the same data dir: the first run's workflow and object are still there.
      second = startUp(env);
      await second.ready;
      const connection2 = await Connection.connect({ address: `127.0.0.1:${ports.LOCAL_TEMPORAL_PORT}` });
      const described = await new Client({ connection: connection2 }).workflow
        .getHandle('lake-probe/up-test')
        .describe();
      assert.equal(described.status.name, 'COMPLETED');
      await connection2.close();
      const head = await s3.send(
        new HeadObjectCommand({ Bucket: config.s3.bucket, Key: '_system/probes/up-test.json' }),
      );
      assert.equal(head.ObjectLockMode, 'COMPLIANCE');
      s3.destroy();
      assert.equal(await stop(second.child), 0);
    } finally {
      for (const run of [first, second])
        if (run && run.child.exitCode === null && run.child.signalCode === null) run.child.kill('SIGKILL');
    }
  },
);
