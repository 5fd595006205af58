/** One part's delivery in its own process (settings from the environment), so a test can kill it mid-delivery. */
import { loadConfig } from '../../src/config/config';
import { deliverPart } from '../../src/delivery/deliver-part';
import { planDay } from '../../src/delivery/plan';
import { createS3Client } from '../../src/s3/client';

async function main() {
  const config = loadConfig();
  const s3 = createS3Client(config);
  const [org, sink, day] = process.argv.slice(2);
  const part = (await planDay({ s3, config }, org, sink, day)).pending.find((p) => p.kind === 'events')!;
  process.stdout.write('started\n');
  await deliverPart({ s3, config, ackPollMs: 20 }, { org, sink, day, part });
  process.stdout.write('done\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
