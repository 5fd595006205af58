import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { Config } from '../config/config';
import { AthenaQueryEngine, createAthenaClient } from './athena-engine';
import { DuckDbQueryEngine } from './duckdb-engine';
import type { DuckDbLimits } from '../lake/duckdb';
import { EngineName, QueryEngine } from './engine';
import { S3PartitionCache } from './partition-source';
import { readSchemaState } from './schema-state';
import { lakeOf } from '../s3/lake';

/** Local cache of synced partitions (evidence is immutable, so cached files never go stale). */
export const cacheDir = (config: Config) => path.join(config.dataDir, 'cache', 'lake');

/**
 * The configured engine (QUERY_ENGINE), or the one asked for. DuckDB's limits: the CLI's by
 * default (QUERY_DUCKDB_MEMORY_LIMIT_MB, all cores); activities pass the worker's (config.duckdb).
 */
export function createQueryEngine(
  config: Config,
  s3: S3Client,
  name: EngineName = config.query.engine,
  org = config.org,
  duckdb: Partial<DuckDbLimits> = { memoryLimitMb: config.query.duckdbMemoryLimitMb },
): QueryEngine {
  if (name === 'athena') {
    const a = config.query.athena;
    return new AthenaQueryEngine({
      client: createAthenaClient(config),
      database: a.database,
      workgroup: a.workgroup,
      outputLocation: a.outputLocation,
    });
  }
  return new DuckDbQueryEngine({
    source: new S3PartitionCache({ s3, bucket: config.s3.bucket, org, cacheDir: cacheDir(config) }),
    extraColumns: async () => (await readSchemaState(lakeOf(config, s3), org)).columns,
    limits: duckdb,
    tempDirectory: path.join(config.dataDir, 'cache', 'duckdb-spill'),
  });
}
