/**
 * Imports run one way: each layer imports only the layers below it, never one above or beside it,
 * and no module imports itself through others (a cycle). `npm run lint` runs this.
 * Type-only imports count too: a type from a layer above is still a dependency on it.
 */
const LAYERS = [
  ['client'], // the gcaudit CLI
  ['worker', 'stack'], // the worker process; the embedded local stack (MinIO, Temporal, sandbox)
  ['workflows'],
  ['activities'],
  ['evidence', 'ingest', 'delivery', 'ocsf', 'access'], // domain modules, highest first (access: the access snapshot)
  ['checks'],
  ['query', 'transform', 'splunk'], // splunk: the HEC client and its lines (DuckDB over lake parts)
  ['lake'],
  ['s3', 'genesys', 'sim'], // clients of the outside world (sim: the Genesys stand-in)
  ['temporal', 'model'],
  ['config'],
];

/** One rule per folder: nothing in it imports a folder of its own rank or above. */
const layerRules = LAYERS.flatMap((folders, rank) =>
  folders.map((folder) => {
    const notBelow = LAYERS.slice(0, rank + 1)
      .flat()
      .filter((f) => f !== folder);
    return {
      name: `layer-${folder}`,
      comment: `src/${folder} may import only layers below it (${LAYERS.slice(rank + 1)
        .flat()
        .join(', ')}, and src/*.ts)`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: `^src/(${notBelow.join('|')})/` },
    };
  }),
);

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment:
        'Modules import each other (directly or through others): break the cycle by moving the shared part down.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
    {
      name: 'layer-root',
      comment: 'src/*.ts (errors, days, paths) sit under every layer and import none of them',
      severity: 'error',
      from: { path: '^src/[^/]+\\.ts$' },
      to: { path: '^src/[^/]+/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
