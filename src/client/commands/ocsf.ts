import { daysBetween } from '../../days';
import { sealedDays } from '../../lake/sealed-days';
import { OCSF_CLASSES, OcsfClassName } from '../../ocsf/classes';
import { exportOcsfDay, ocsfExportDeps, OcsfDayResult } from '../../ocsf/export-day';
import { cliConfig, lakeContext } from '../context';
import { EXIT } from '../output';
import { formatTable } from './table';
import { parseDayRange } from '../date-range';

export interface OcsfExportOptions {
  from: string;
  to: string;
  force?: boolean;
  json?: boolean;
}

const CLASS_NAMES = Object.keys(OCSF_CLASSES) as OcsfClassName[];

/**
 * `gcaudit ocsf export`: the OCSF copy of every sealed day of a range (what the after-seal
 * workflow writes for one day), with the events per class and the mapping coverage: the share
 * of events in a specific class rather than the API Activity fallback.
 */
export async function ocsfExport(opts: OcsfExportOptions): Promise<number> {
  const range = parseDayRange(opts.from, opts.to);
  const config = cliConfig();
  const lake = lakeContext(config);
  try {
    const sealed = await sealedDays(lake.lake, config.org);
    const days = daysBetween(range.from, range.to).filter((d) => sealed.has(d));
    const results: OcsfDayResult[] = [];
    for (const day of days)
      results.push(await exportOcsfDay(ocsfExportDeps(config, lake.lake), { org: config.org, day, force: opts.force }));
    const events = results.reduce((n, r) => n + r.events, 0);
    const perClass = Object.fromEntries(
      CLASS_NAMES.map((c) => [c, results.reduce((n, r) => n + r.perClass[c], 0)]),
    ) as Record<OcsfClassName, number>;
    const coverage = events ? (events - perClass.apiActivity) / events : null;
    const summary = {
      org: config.org,
      ...range,
      bucket: config.ocsf.bucket,
      sealedDays: days.length,
      unsealedDays: daysBetween(range.from, range.to).length - days.length,
      events,
      perClass,
      coverage,
      written: results.flatMap((r) => r.objects.filter((o) => o.written).map((o) => o.key)),
      unchanged: results.flatMap((r) => r.objects.filter((o) => !o.written).map((o) => o.key)),
    };
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    } else {
      process.stdout.write(
        `OCSF 1.1 copy of ${config.org}, ${range.from} .. ${range.to} in s3://${config.ocsf.bucket}/ext/ (${days.length} sealed days)\n`,
      );
      process.stdout.write(
        formatTable(
          ['day', 'events', ...CLASS_NAMES.map((c) => `${OCSF_CLASSES[c].uid}`), 'written', 'unchanged'],
          results.map((r) => [
            r.day,
            String(r.events),
            ...CLASS_NAMES.map((c) => String(r.perClass[c])),
            String(r.objects.filter((o) => o.written).length),
            String(r.objects.filter((o) => !o.written).length),
          ]),
        ),
      );
      process.stdout.write(
        `coverage: ${
          coverage === null
            ? 'no events'
            : `${(coverage * 100).toFixed(1)}% of ${events} events in a specific class (${CLASS_NAMES.filter(
                (c) => c !== 'apiActivity',
              )
                .map((c) => `${OCSF_CLASSES[c].name} ${perClass[c]}`)
                .join(', ')}), ${perClass.apiActivity} in the API Activity fallback`
        }\n`,
      );
      if (summary.unsealedDays)
        process.stdout.write(`${summary.unsealedDays} days of the range are not sealed: nothing to derive for them\n`);
    }
    return EXIT.ok;
  } finally {
    lake.close();
  }
}
