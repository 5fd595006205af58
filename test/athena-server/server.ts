/**
 * A stand-in for Athena in tests: an HTTP server on 127.0.0.1 that speaks Athena's AWS JSON 1.1
 * protocol (the real @aws-sdk/client-athena talks to it through `endpoint`; any SigV4 credentials
 * are accepted) and runs the SQL on DuckDB over the lake in S3 (MinIO).
 *
 * DDL is recorded, not executed: CREATE EXTERNAL TABLE (columns, LOCATION), ALTER TABLE ADD
 * COLUMNS, CREATE OR REPLACE VIEW (its Trino JSON functions translated to DuckDB's). Like Athena,
 * it takes backquoted identifiers only in Hive DDL (databases, tables, columns): views and queries
 * are Trino SQL, and one with a backquote fails with Trino's parse error (test/query/trino.test.ts
 * checks that Trino's own parser says the same). A SELECT sees
 * exactly the recorded tables and views, so a query against a table that was never created fails
 * like on Athena. Executions go QUEUED/RUNNING before SUCCEEDED, results page with NextToken and
 * carry the header row, DataScannedInBytes is the size of the files read.
 */
import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { openDuckDb } from '../../src/lake/duckdb';
import { LakeTable } from '../../src/lake/keys';
import { tableSelect } from '../../src/query/duckdb-engine';
import { readDuckDbResult } from '../../src/query/duckdb-values';
import { S3PartitionCache } from '../../src/query/partition-source';

interface Table {
  columns: Array<{ name: string; type: string }>;
  bucket: string;
  /** Key prefix of the table, e.g. acme/audit_events/. */
  prefix: string;
}

interface Execution {
  id: string;
  sql: string;
  database: string;
  workgroup: string;
  polls: number;
  state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  statementType: 'DDL' | 'DML';
  reason?: string;
  columns: Array<{ name: string; type: string }>;
  rows: Array<Array<string | null>>;
  bytes: number;
  submitted: number;
  done: Promise<void>;
}

export interface AthenaTestServer {
  endpoint: string;
  /** Statements received, in order (DDL included). */
  statements: string[];
  tables: Map<string, Table>;
  views: Map<string, string>;
  namedQueries: Map<
    string,
    {
      NamedQueryId: string;
      Name: string;
      Description?: string;
      Database: string;
      QueryString: string;
      WorkGroup: string;
    }
  >;
  close(): Promise<void>;
}

const TYPE_NAMES: Array<[RegExp, string]> = [
  [/^VARCHAR/, 'varchar'],
  [/^BIGINT|^HUGEINT/, 'bigint'],
  [/^INTEGER/, 'integer'],
  [/^TIMESTAMP/, 'timestamp'],
  [/^DOUBLE|^FLOAT/, 'double'],
  [/^BOOLEAN/, 'boolean'],
  [/^DATE/, 'date'],
  [/^DECIMAL/, 'decimal'],
];

export async function startAthenaTestServer(opts: { s3: S3Client; cacheDir: string }): Promise<AthenaTestServer> {
  const executions = new Map<string, Execution>();
  const state: Omit<AthenaTestServer, 'endpoint' | 'close'> = {
    statements: [],
    tables: new Map(),
    views: new Map(),
    namedQueries: new Map(),
  };

  const unquote = (s: string) => s.replace(/[`"]/g, '');
  const tableName = (qualified: string) => unquote(qualified).split('.').at(-1)!.toLowerCase();

  async function run(e: Execution): Promise<void> {
    const sql = e.sql.trim().replace(/;\s*$/, '');
    let m: RegExpExecArray | null;
    if (/^CREATE\s+DATABASE/i.test(sql)) return;
    if (
      (m =
        /^CREATE\s+EXTERNAL\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\S+)\s*\(([\s\S]*?)\)\s*PARTITIONED\s+BY[\s\S]*LOCATION\s+'s3:\/\/([^/]+)\/([^']*)'/i.exec(
          sql,
        ))
    ) {
      const name = tableName(m[1]);
      if (state.tables.has(name)) return;
      const columns = m[2]
        .split(',')
        .map((c) => c.trim())
        .filter(Boolean)
        .map((c) => {
          const [n, type] = c.split(/\s+/);
          return { name: unquote(n), type };
        });
      state.tables.set(name, { columns, bucket: m[3], prefix: m[4] });
      return;
    }
    if ((m = /^ALTER\s+TABLE\s+(\S+)\s+ADD\s+COLUMNS\s*\(([\s\S]*)\)$/i.exec(sql))) {
      const table = state.tables.get(tableName(m[1]));
      if (!table) throw userError(`Table ${tableName(m[1])} not found`);
      for (const c of m[2].split(',').map((x) => x.trim())) {
        const [n, type] = c.split(/\s+/);
        if (table.columns.some((x) => x.name === unquote(n))) throw userError(`Column ${unquote(n)} already exists`);
        table.columns.push({ name: unquote(n), type });
      }
      return;
    }
    // Everything below is Trino SQL, where backquotes are a syntax error.
    const backquote = backquoteOutsideLiterals(e.sql);
    if (backquote) throw userError(`line ${backquote.line}:${backquote.column}: ${TRINO_BACKQUOTE_ERROR}`);
    if ((m = /^CREATE\s+(?:OR\s+REPLACE\s+)?VIEW\s+(\S+)\s+AS\s+([\s\S]*)$/i.exec(sql))) {
      state.views.set(tableName(m[1]), toDuckDb(m[2]));
      return;
    }
    e.statementType = 'DML';
    const db = await openDuckDb({ threads: 2 });
    try {
      const c = db.connection;
      for (const [name, table] of state.tables) {
        const files = await new S3PartitionCache({
          s3: opts.s3,
          bucket: table.bucket,
          org: table.prefix.split('/')[0],
          cacheDir: opts.cacheDir,
        }).files(name as LakeTable);
        const declared = table.columns.map((col) => ({ name: col.name, type: duckType(col.type) }));
        await c.run(`CREATE VIEW ${name} AS ${await tableSelect(c, files, declared)}`);
        if (
          new RegExp(`\\b${name}\\b`, 'i').test(sql) ||
          (name.startsWith('audit_events') && /\baudit_events_all\b/i.test(sql))
        ) {
          e.bytes += files.reduce((n, f) => n + f.bytes, 0);
        }
      }
      for (const [name, viewSql] of state.views) await c.run(`CREATE VIEW ${name} AS ${viewSql}`);
      const result = readDuckDbResult(await c.runAndReadAll(toDuckDb(sql)));
      e.columns = result.columns.map((col) => ({
        name: col.name,
        type: TYPE_NAMES.find(([re]) => re.test(col.type))?.[1] ?? 'varchar',
      }));
      e.rows = result.rows;
    } catch (err) {
      if ((err as { athenaUser?: boolean }).athenaUser) throw err;
      throw userError((err as Error).message);
    } finally {
      db.close();
    }
  }

  const handlers: Record<string, (body: Record<string, unknown>) => Promise<unknown> | unknown> = {
    StartQueryExecution(body) {
      const id = randomUUID();
      const e: Execution = {
        id,
        sql: String(body.QueryString),
        database: String((body.QueryExecutionContext as { Database?: string } | undefined)?.Database ?? 'default'),
        workgroup: String(body.WorkGroup ?? 'primary'),
        polls: 0,
        state: 'QUEUED',
        statementType: 'DDL',
        columns: [],
        rows: [],
        bytes: 0,
        submitted: Date.now() / 1000,
        done: Promise.resolve(),
      };
      state.statements.push(e.sql);
      e.done = run(e).then(
        () => {
          if (e.state !== 'CANCELLED') e.state = 'SUCCEEDED';
        },
        (err: Error) => {
          e.state = 'FAILED';
          e.reason = err.message;
        },
      );
      executions.set(id, e);
      return { QueryExecutionId: id };
    },
    async GetQueryExecution(body) {
      const e = need(body.QueryExecutionId);
      // The first poll always sees the query still running, like Athena.
      if (e.polls++ === 0) return { QueryExecution: describe(e, 'RUNNING') };
      await e.done;
      return { QueryExecution: describe(e, e.state) };
    },
    async GetQueryResults(body) {
      const e = need(body.QueryExecutionId);
      await e.done;
      if (e.state !== 'SUCCEEDED') throw invalid(`Query has not yet finished. Current state: ${e.state}`);
      const all = e.statementType === 'DML' ? [e.columns.map((c) => c.name), ...e.rows] : [];
      const offset = body.NextToken ? Number(body.NextToken) : 0;
      const max = Math.min(Number(body.MaxResults ?? 1000), 1000);
      const page = all.slice(offset, offset + max);
      return {
        UpdateCount: 0,
        ResultSet: {
          Rows: page.map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) })),
          ResultSetMetadata: {
            ColumnInfo: e.columns.map((c) => ({
              CatalogName: 'hive',
              SchemaName: '',
              TableName: '',
              Name: c.name,
              Label: c.name,
              Type: c.type,
              Precision: 0,
              Scale: 0,
              Nullable: 'UNKNOWN',
              CaseSensitive: false,
            })),
          },
        },
        NextToken: offset + max < all.length ? String(offset + max) : undefined,
      };
    },
    StopQueryExecution(body) {
      const e = need(body.QueryExecutionId);
      if (e.state === 'QUEUED' || e.state === 'RUNNING') e.state = 'CANCELLED';
      return {};
    },
    GetWorkGroup(body) {
      return {
        WorkGroup: { Name: body.WorkGroup, State: 'ENABLED', Configuration: { EnforceWorkGroupConfiguration: false } },
      };
    },
    GetTableMetadata(body) {
      const t = state.tables.get(String(body.TableName));
      if (!t)
        throw Object.assign(new Error(`Table ${String(body.TableName)} not found`), {
          type: 'MetadataException',
          status: 400,
        });
      return {
        TableMetadata: {
          Name: body.TableName,
          TableType: 'EXTERNAL_TABLE',
          Columns: t.columns.map((c) => ({ Name: c.name, Type: c.type })),
          PartitionKeys: ['year', 'month', 'day'].map((p) => ({ Name: p, Type: 'string' })),
        },
      };
    },
    CreateNamedQuery(body) {
      const id = randomUUID();
      state.namedQueries.set(id, {
        NamedQueryId: id,
        Name: String(body.Name),
        Description: body.Description as string | undefined,
        Database: String(body.Database),
        QueryString: String(body.QueryString),
        WorkGroup: String(body.WorkGroup ?? 'primary'),
      });
      return { NamedQueryId: id };
    },
    UpdateNamedQuery(body) {
      const q = state.namedQueries.get(String(body.NamedQueryId));
      if (!q) throw invalid('named query not found');
      Object.assign(q, { Name: body.Name, Description: body.Description, QueryString: body.QueryString });
      return {};
    },
    ListNamedQueries(body) {
      const ids = [...state.namedQueries.values()]
        .filter((q) => q.WorkGroup === (body.WorkGroup ?? 'primary'))
        .map((q) => q.NamedQueryId);
      const offset = body.NextToken ? Number(body.NextToken) : 0;
      const max = Number(body.MaxResults ?? 50);
      return {
        NamedQueryIds: ids.slice(offset, offset + max),
        NextToken: offset + max < ids.length ? String(offset + max) : undefined,
      };
    },
    BatchGetNamedQuery(body) {
      const ids = body.NamedQueryIds as string[];
      return {
        NamedQueries: ids.map((id) => state.namedQueries.get(id)).filter(Boolean),
        UnprocessedNamedQueryIds: [],
      };
    },
  };

  function describe(e: Execution, shown: Execution['state']) {
    return {
      QueryExecutionId: e.id,
      Query: e.sql,
      StatementType: e.statementType,
      QueryExecutionContext: { Database: e.database },
      WorkGroup: e.workgroup,
      Status: {
        State: shown,
        SubmissionDateTime: e.submitted,
        ...(shown === 'FAILED'
          ? {
              StateChangeReason: e.reason,
              AthenaError: { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: e.reason },
            }
          : {}),
      },
      Statistics: {
        DataScannedInBytes: shown === 'SUCCEEDED' ? e.bytes : 0,
        EngineExecutionTimeInMillis: 1,
        TotalExecutionTimeInMillis: 1,
      },
    };
  }

  function need(id: unknown): Execution {
    const e = executions.get(String(id));
    if (!e) throw invalid(`QueryExecution ${String(id)} was not found`);
    return e;
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const op = target.replace(/^AmazonAthena\./, '');
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
        res.end(JSON.stringify(body));
      };
      const handler = handlers[op];
      if (
        !target.startsWith('AmazonAthena.') ||
        !handler ||
        !String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256')
      ) {
        send(400, { __type: 'UnknownOperationException', message: `unsupported: ${target}` });
        return;
      }
      Promise.resolve()
        .then(() => handler(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>))
        .then(
          (out) => send(200, out),
          (err: Error & { type?: string; status?: number }) =>
            send(err.status ?? 400, { __type: err.type ?? 'InvalidRequestException', Message: err.message }),
        );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    ...state,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function invalid(message: string) {
  return Object.assign(new Error(message), { type: 'InvalidRequestException', status: 400 });
}

function userError(message: string) {
  return Object.assign(new Error(message), { athenaUser: true });
}

function duckType(athena: string): string {
  const t = athena.toLowerCase();
  const array = /^array<(.+)>$/.exec(t);
  if (array) return `${duckType(array[1])}[]`;
  if (t === 'boolean') return 'BOOLEAN';
  if (t === 'timestamp') return 'TIMESTAMP_MS';
  if (t === 'int') return 'INTEGER';
  if (t === 'bigint') return 'BIGINT';
  return 'VARCHAR';
}

/** The few Trino spellings our DDL uses that DuckDB spells differently. */
function toDuckDb(sql: string): string {
  return sql
    .replace(/json_format\((json_extract\([^()]*\))\)/g, 'CAST($1 AS VARCHAR)')
    .replace(/json_extract_scalar\(/g, 'json_extract_string(')
    .replace(/"[a-z_][a-z0-9_]*"\.(audit_\w+)/g, '$1');
}

/** Trino's parser's message for a backquoted identifier (io.trino.sql.parser). */
export const TRINO_BACKQUOTE_ERROR = 'backquoted identifiers are not supported; use double quotes to quote identifiers';

/**
 * The first backquote outside string literals, quoted identifiers and comments, with its line and
 * column (1-based, as Trino reports them), or null.
 */
export function backquoteOutsideLiterals(sql: string): { line: number; column: number } | null {
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === '`') {
      const before = sql.slice(0, i).split('\n');
      return { line: before.length, column: before[before.length - 1].length + 1 };
    }
    // Past the closing token; an unterminated literal or comment runs to the end.
    const past = (token: string, from: number) => {
      const k = sql.indexOf(token, from);
      return k < 0 ? sql.length : k + token.length;
    };
    // A doubled quote inside a literal reads as its end and the start of another: same result.
    if (ch === "'" || ch === '"') i = past(ch, i + 1);
    else if (sql.startsWith('--', i)) i = past('\n', i);
    else if (sql.startsWith('/*', i)) i = past('*/', i + 2);
    else i++;
  }
  return null;
}

export const athenaCacheDir = (root: string) => path.join(root, 'athena-test-server-cache');
