import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { exportOcsfDay, OcsfDayResult, ocsfExportDeps } from '../ocsf/export-day';
import { lakeOf } from '../s3/lake';

/** Small on purpose (workflow history): counts and keys. */
export type OcsfExportSummary = Omit<OcsfDayResult, 'objects'> & { keys: string[]; written: number; skipped?: string };

export function createOcsfActivities(deps: { config: Config; s3: S3Client }) {
  const exportDeps = ocsfExportDeps(deps.config, lakeOf(deps.config, deps.s3));
  return {
    /** The OCSF copy of one sealed day (every seal version); after-seal runs honour OCSF_AFTER_SEAL. */
    async exportOcsfDay(input: {
      org: string;
      day: string;
      trigger: 'after-seal' | 'manual';
    }): Promise<OcsfExportSummary> {
      if (input.trigger === 'after-seal' && !deps.config.ocsf.afterSeal) {
        return {
          org: input.org,
          day: input.day,
          versions: 0,
          events: 0,
          perClass: { accountChange: 0, authentication: 0, entityManagement: 0, apiActivity: 0 },
          keys: [],
          written: 0,
          skipped: 'OCSF_AFTER_SEAL=false',
        };
      }
      const { objects, ...result } = await exportOcsfDay(exportDeps, { org: input.org, day: input.day });
      return { ...result, keys: objects.map((o) => o.key), written: objects.filter((o) => o.written).length };
    },
  };
}
