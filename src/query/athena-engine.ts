import {
  AthenaClient,
  AthenaServiceException,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  QueryExecution,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { Config } from '../config/config';
import { BadRequestError, ConfigError, TransientError } from '../errors';
import { QueryEngine, QueryResult } from './engine';

export interface AthenaEngineOptions {
  client: AthenaClient;
  database: string;
  workgroup: string;
  outputLocation?: string;
  /** Give up (and stop the query) after this long. Default 10 minutes. */
  timeoutMs?: number;
  /** First poll delay; doubles up to maxPollMs. */
  firstPollMs?: number;
  maxPollMs?: number;
}

export function createAthenaClient(config: Config): AthenaClient {
  const a = config.query.athena;
  const credentials =
    config.s3.accessKeyId && config.s3.secretAccessKey && a.endpoint
      ? { accessKeyId: config.s3.accessKeyId, secretAccessKey: config.s3.secretAccessKey.reveal() }
      : undefined;
  return new AthenaClient({ region: a.region, endpoint: a.endpoint, credentials });
}

/**
 * Athena: start, poll with backoff, page through the results. Bytes scanned come from the query's
 * statistics. Errors become typed, readable ones (a failed query names Athena's reason).
 */
export class AthenaQueryEngine implements QueryEngine {
  readonly name = 'athena' as const;

  constructor(private readonly opts: AthenaEngineOptions) {}

  async query(sql: string): Promise<QueryResult> {
    const started = Date.now();
    const id = await this.start(sql);
    const execution = await this.wait(id, started);
    const { columns, rows } = await this.results(id, execution.StatementType === 'DDL' ? false : true);
    return {
      columns,
      rows,
      stats: {
        engine: 'athena',
        queryId: id,
        ms: Date.now() - started,
        bytesScanned: execution.Statistics?.DataScannedInBytes ?? 0,
        filesRead: null,
      },
    };
  }

  /** Runs a statement (DDL) and returns its execution id. */
  async execute(sql: string): Promise<{ queryId: string; bytesScanned: number }> {
    const started = Date.now();
    const id = await this.start(sql);
    const execution = await this.wait(id, started);
    return { queryId: id, bytesScanned: execution.Statistics?.DataScannedInBytes ?? 0 };
  }

  async close(): Promise<void> {
    this.opts.client.destroy();
  }

  private async start(sql: string): Promise<string> {
    const res = await this.call('StartQueryExecution', () =>
      this.opts.client.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          QueryExecutionContext: { Database: this.opts.database },
          WorkGroup: this.opts.workgroup,
          ResultConfiguration: this.opts.outputLocation ? { OutputLocation: this.opts.outputLocation } : undefined,
        }),
      ),
    );
    if (!res.QueryExecutionId) throw new TransientError('Athena StartQueryExecution returned no query execution id');
    return res.QueryExecutionId;
  }

  private async wait(id: string, started: number): Promise<QueryExecution> {
    let delay = this.opts.firstPollMs ?? 200;
    const timeout = this.opts.timeoutMs ?? 600_000;
    for (;;) {
      const res = await this.call('GetQueryExecution', () =>
        this.opts.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
      );
      const execution = res.QueryExecution ?? {};
      const state = execution.Status?.State;
      if (state === 'SUCCEEDED') return execution;
      if (state === 'FAILED' || state === 'CANCELLED') {
        const reason = execution.Status?.StateChangeReason ?? 'no reason given';
        const category = execution.Status?.AthenaError?.ErrorCategory;
        const message = `Athena query ${id} ${state === 'FAILED' ? 'failed' : 'was cancelled'}: ${reason}`;
        // Category 2 is a user error (bad SQL, missing table): retrying cannot help.
        if (state === 'CANCELLED' || category === 2)
          throw new BadRequestError(message, 400, execution.Status?.AthenaError?.ErrorType?.toString());
        throw new TransientError(message);
      }
      if (Date.now() - started > timeout) {
        await this.opts.client.send(new StopQueryExecutionCommand({ QueryExecutionId: id })).catch(() => undefined);
        throw new TransientError(
          `Athena query ${id} did not finish within ${Math.round(timeout / 1000)} s; it was stopped`,
        );
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, this.opts.maxPollMs ?? 5_000);
    }
  }

  private async results(id: string, hasHeader: boolean): Promise<Pick<QueryResult, 'columns' | 'rows'>> {
    const rows: Array<Array<string | null>> = [];
    let columns: QueryResult['columns'] = [];
    let token: string | undefined;
    let first = true;
    do {
      const page = await this.call('GetQueryResults', () =>
        this.opts.client.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: 1000 })),
      );
      if (first)
        columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => ({
          name: c.Name ?? '',
          type: c.Type ?? 'varchar',
        }));
      const data = page.ResultSet?.Rows ?? [];
      // The first row of the first page of a SELECT repeats the column names.
      for (const [i, row] of data.entries()) {
        if (first && i === 0 && hasHeader && columns.length > 0) continue;
        rows.push((row.Data ?? []).map((d) => d.VarCharValue ?? null));
      }
      first = false;
      token = page.NextToken;
    } while (token);
    return { columns, rows };
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof AthenaServiceException)) throw err;
      const status = err.$metadata.httpStatusCode ?? 0;
      const message = `Athena ${what}: ${err.name}: ${err.message}`;
      if (err.name === 'InvalidRequestException') throw new BadRequestError(message, status || 400, err.name);
      if (err.name === 'AccessDeniedException' || err.name === 'UnrecognizedClientException')
        throw new ConfigError(`${message} (check the AWS credentials and the workgroup ${this.opts.workgroup})`);
      if (err.name === 'ResourceNotFoundException')
        throw new ConfigError(`${message} (does the workgroup or database exist? run "gcaudit athena apply")`);
      throw new TransientError(message, { cause: err });
    }
  }
}
