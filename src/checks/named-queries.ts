import { Config } from '../config/config';
import type { NamedQuery } from '../query/athena-ddl';
import { Check } from './check-file';
import { renderContextFromConfig, renderNamedQuery } from './render';

/** One Athena named query per check (`gcaudit-<id>`), over a rolling window Athena computes at run time. */
export function athenaNamedQueries(checks: Check[], config: Config): NamedQuery[] {
  const ctx = renderContextFromConfig(config);
  return checks.map((check) => ({
    name: `gcaudit-${check.id}`,
    description:
      `${check.title} [${check.severity}] SOC2 ${check.controls.SOC2.join(' ')}; PCI DSS 4.0 ${check.controls.PCI_DSS_4.join(' ')}; HIPAA ${check.controls.HIPAA.join(' ')}`.slice(
        0,
        1024,
      ),
    sql: renderNamedQuery(check, ctx),
  }));
}
