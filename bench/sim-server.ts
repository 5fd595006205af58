/**
 * The simulator alone in its own process, for bench/sim-throughput.ts: the benchmark's client
 * must not share an event loop with the server it measures. Prints one JSON line with where
 * it listens, then runs until its parent disconnects.
 */
import { startSimulator } from '../src/sim';

async function main(): Promise<void> {
  const eventsPerDay = Number(process.env.SIM_EVENTS_PER_DAY ?? 50_000);
  const sim = await startSimulator({ seed: 'bench', eventsPerDay, rateLimitPerMinute: 1e9, dayCacheSize: 8 });
  process.stdout.write(
    `${JSON.stringify({ baseUrl: sim.baseUrl, clientId: sim.clientId, clientSecret: sim.clientSecret, now: sim.clock.now().toISOString() })}\n`,
  );
  const stop = () => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('disconnect', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
