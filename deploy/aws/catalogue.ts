import { aws_athena as athena, aws_glue as glue, Stack } from 'aws-cdk-lib';
import { athenaNamedQueries } from '../../src/checks/named-queries';
import { Construct } from 'constructs';
import { Check } from '../../src/checks/check-file';
import { Config } from '../../src/config/config';
import { athenaDdl } from '../../src/query/athena-ddl';
import { lakeTableDefinitions } from '../../src/query/lake-tables';
import { LakeStorage } from './lake-bucket';

/**
 * The catalogue: the Glue database and the lake tables with partition projection, from the same
 * definitions `gcaudit athena ddl` renders (src/query/lake-tables.ts); the Athena workgroup with
 * its result location (KMS-encrypted) and bytes-scanned cutoff enforced; one named query per check.
 * The view audit_events_all is made by Athena SQL (`gcaudit athena apply`, and the nightly schema
 * recrawl when it adds columns), not here: Glue's view encoding is Athena's internal format.
 */
export class Catalogue extends Construct {
  readonly database: glue.CfnDatabase;
  readonly tables: glue.CfnTable[];
  readonly workgroup: athena.CfnWorkGroup;

  constructor(
    scope: Construct,
    id: string,
    props: { lake: LakeStorage; config: Config; checks: Check[]; bytesScannedCutoff: number },
  ) {
    super(scope, id);
    const { config, lake } = props;
    const databaseName = config.query.athena.database;
    const account = Stack.of(this).account;
    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId: account,
      databaseInput: { name: databaseName, description: `gcaudit lake of org ${config.org}` },
    });
    // No recrawled columns at deploy: the schema recrawl adds them later with ALTER TABLE.
    this.tables = lakeTableDefinitions({ bucket: lake.bucket.bucketName, org: config.org, extraColumns: [] }).map(
      (t) => {
        const table = new glue.CfnTable(this, `Table-${t.name}`, {
          catalogId: account,
          databaseName,
          tableInput: {
            name: t.name,
            tableType: 'EXTERNAL_TABLE',
            parameters: { EXTERNAL: 'TRUE', classification: 'parquet', ...t.properties },
            partitionKeys: t.partitionKeys,
            storageDescriptor: {
              location: t.location,
              columns: t.columns,
              inputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
              outputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
              serdeInfo: { serializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
            },
          },
        });
        table.node.addDependency(this.database);
        return table;
      },
    );

    this.workgroup = new athena.CfnWorkGroup(this, 'Workgroup', {
      name: config.query.athena.workgroup,
      description: `gcaudit checks and queries of org ${config.org}`,
      state: 'ENABLED',
      // The workgroup holds only gcaudit's named queries: CloudFormation may remove them with it.
      recursiveDeleteOption: true,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoff,
        resultConfiguration: {
          outputLocation: `s3://${lake.athenaResults.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: lake.key.keyArn },
        },
      },
    });

    const ddl = athenaDdl({
      database: config.query.athena.database,
      bucket: config.s3.bucket,
      org: config.org,
      extraColumns: [],
      namedQueries: athenaNamedQueries(props.checks, config),
    });
    for (const q of ddl.namedQueries) {
      const named = new athena.CfnNamedQuery(this, `Query-${q.name}`, {
        name: q.name,
        description: q.description,
        database: databaseName,
        queryString: q.sql,
        workGroup: this.workgroup.ref,
      });
      named.node.addDependency(this.workgroup);
    }
  }
}
