/** One part's delivery in its own process (settings from the environment), so a test can kill it mid-delivery. */
import { loadConfig } from '../../src/config/config';
import { deliverPart } from '../../src/delivery/deliver-part';
import { planDay } from '../../src/delivery/plan';
import { createS3Client } from '../../src/s3/client';
import { lakeOf } from '../../src/s3/lake';

async function main() {
  const config = loadConfig();
  const lake = lakeOf(config, createS3Client(config));
  const [org, sink, day] = process.argv.slice(2);
  const part = (await planDay(lake, org, sink, day)).pending.find((p) => p.kind === 'events')!;
  process.stdout.write('started\n');
  await deliverPart({ lake, splunk: config.splunk, duckdb: config.duckdb, ackPollMs: 20 }, { org, sink, day, part });
  process.stdout.write('done\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
