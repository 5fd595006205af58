import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { gaps, sealedDays } from '../lake/sealed-days';
import { lakeOf } from '../s3/lake';

export function createLakeStatusActivities(deps: { config: Config; s3: S3Client }) {
  const lake = lakeOf(deps.config, deps.s3);
  return {
    /** Unsealed days in [from, to], as contiguous ranges. */
    async findUnsealedDays(input: {
      org: string;
      from: string;
      to: string;
    }): Promise<Array<{ from: string; to: string }>> {
      return gaps(await sealedDays(lake, input.org), input.from, input.to);
    },
  };
}
