/**
 * access_reconciliation: for every two consecutive access snapshots (days P < D with no snapshot
 * between them), each difference between them and the audit event that explains it, and each
 * audit event between them whose effect the later snapshot does not show. One text for DuckDB and
 * Athena/Trino (the checks' SQL subset: no JSON or regex functions).
 *
 * Snapshot D is the state at the end of UTC day D, so the events between P and D are those of
 * the days after P up to D: event_time in [P + 1 day, D + 1 day).
 *
 * What explains what (service PeoplePermissions unless said; entity_id is the audit event's):
 * | difference                                  | explained by                                                        |
 * |---------------------------------------------|---------------------------------------------------------------------|
 * | grant added (user/group)                    | Role MemberAdd, entity_id = role, a members value = subject;         |
 * |                                             | Directory/SCIM User Create of the subject (roles given at creation)  |
 * | grant removed (user/group)                  | Role MemberRemove (role, member as above); Role Delete of the role;  |
 * |                                             | Directory/SCIM User Delete of the subject                            |
 * | grant added/removed (oauth_client)          | OAuthClient Create/Update/Delete of the client; Role Delete (removed)|
 * | role permissions changed / created / deleted| Role Update / Create / Delete of the role                            |
 * | user state changed / user added / removed   | Directory or SCIM User Update, Create, Delete of the user            |
 * | client created / deleted / roles changed    | OAuthClient Create / Delete / Update of the client                   |
 * A member matches when the property change's old or new value is the subject id, or holds it as
 * an item of a JSON array ("id"). Grants compare on (subject, role, division); audit events
 * name no division, so a membership event explains the grant in any division.
 *
 * Events whose effect is missing (change = 'event_effect_missing'): per role and member the last
 * MemberAdd/MemberRemove of the interval must be reflected (grant present / absent in D); per
 * client the last OAuthClient Create/Delete (client present / absent); a User Delete leaves the
 * user absent or in state deleted.
 *
 * A difference is computed only when both snapshots could read the table (access_coverage):
 * a table the OAuth client may not read is unknown, never empty, so it yields no rows here and
 * readers report it as not evaluable.
 */
export function accessReconciliationViewSql(): string {
  /** The property change names the subject: its value, or an item of its JSON array. */
  const member = (e: string, subject: string) =>
    `(${e}.new_value = ${subject} OR ${e}.old_value = ${subject} OR strpos(coalesce(${e}.new_value, '') || coalesce(${e}.old_value, ''), '"' || ${subject} || '"') > 0)`;
  const between = (e: string, p: string) =>
    `${e}.event_time >= CAST(CAST(${p}.prev_day AS DATE) AS TIMESTAMP) + INTERVAL '1440' MINUTE AND ${e}.event_time < CAST(CAST(${p}.cur_day AS DATE) AS TIMESTAMP) + INTERVAL '1440' MINUTE`;
  const side = (name: string, table: string, cols: string, dayCol: 'cur_day' | 'prev_day', coverage: string) =>
    `${name} AS (
  SELECT t.cur_day, t.prev_day, ${cols}
  FROM pair_tables t JOIN ${table} x ON x.snapshot_day = t.${dayCol}
  WHERE t.table_name = '${coverage}'
)`;
  const explains = `
      (d.change = 'grant_added' AND d.subject_type <> 'oauth_client' AND e.service_name = 'PeoplePermissions' AND e.entity_type = 'Role' AND e.action = 'MemberAdd' AND e.entity_id = d.role_id AND ${member('e', 'd.subject_id')})
      OR (d.change = 'grant_added' AND d.subject_type <> 'oauth_client' AND e.entity_type = 'User' AND e.action = 'Create' AND e.entity_id = d.subject_id)
      OR (d.change = 'grant_removed' AND d.subject_type <> 'oauth_client' AND e.service_name = 'PeoplePermissions' AND e.entity_type = 'Role' AND e.action = 'MemberRemove' AND e.entity_id = d.role_id AND ${member('e', 'd.subject_id')})
      OR (d.change = 'grant_removed' AND e.service_name = 'PeoplePermissions' AND e.entity_type = 'Role' AND e.action = 'Delete' AND e.entity_id = d.role_id)
      OR (d.change = 'grant_removed' AND d.subject_type <> 'oauth_client' AND e.entity_type = 'User' AND e.action = 'Delete' AND e.entity_id = d.subject_id)
      OR (d.change IN ('grant_added', 'grant_removed') AND d.subject_type = 'oauth_client' AND e.entity_type = 'OAuthClient' AND e.action IN ('Create', 'Update', 'Delete') AND e.entity_id = d.subject_id)
      OR (d.change = 'role_permissions_changed' AND e.entity_type = 'Role' AND e.action = 'Update' AND e.entity_id = d.role_id)
      OR (d.change = 'role_created' AND e.entity_type = 'Role' AND e.action = 'Create' AND e.entity_id = d.role_id)
      OR (d.change = 'role_deleted' AND e.entity_type = 'Role' AND e.action = 'Delete' AND e.entity_id = d.role_id)
      OR (d.change = 'user_state_changed' AND e.entity_type = 'User' AND e.action IN ('Update', 'Delete', 'Create') AND e.entity_id = d.subject_id)
      OR (d.change = 'user_added' AND e.entity_type = 'User' AND e.action = 'Create' AND e.entity_id = d.subject_id)
      OR (d.change = 'user_removed' AND e.entity_type = 'User' AND e.action = 'Delete' AND e.entity_id = d.subject_id)
      OR (d.change = 'client_created' AND e.entity_type = 'OAuthClient' AND e.action = 'Create' AND e.entity_id = d.subject_id)
      OR (d.change = 'client_deleted' AND e.entity_type = 'OAuthClient' AND e.action = 'Delete' AND e.entity_id = d.subject_id)
      OR (d.change = 'client_roles_changed' AND e.entity_type = 'OAuthClient' AND e.action IN ('Update', 'Create') AND e.entity_id = d.subject_id)`;
  return `WITH snapshots AS (
  SELECT DISTINCT snapshot_day FROM access_coverage
),
pairs AS (
  SELECT snapshot_day AS cur_day, lag(snapshot_day) OVER (ORDER BY snapshot_day) AS prev_day FROM snapshots
),
pair_tables AS (
  SELECT p.cur_day, p.prev_day, c.table_name
  FROM pairs p
  JOIN access_coverage c ON c.snapshot_day = p.cur_day AND c.readable
  JOIN access_coverage q ON q.snapshot_day = p.prev_day AND q.table_name = c.table_name AND q.readable
  WHERE p.prev_day IS NOT NULL
),
ev AS (
  SELECT event_id, event_time, user_id, service_name, entity_type, action, entity_id, old_value, new_value
  FROM audit_events_all
  WHERE (service_name = 'PeoplePermissions' AND entity_type IN ('Role', 'OAuthClient'))
     OR (service_name IN ('Directory', 'SCIM') AND entity_type = 'User')
),
${side('grants_cur', 'access_grants', 'x.subject_type, x.subject_id, x.role_id, x.division_id', 'cur_day', 'access_grants')},
${side('grants_prev', 'access_grants', 'x.subject_type, x.subject_id, x.role_id, x.division_id', 'prev_day', 'access_grants')},
${side('roles_cur', 'access_roles', 'x.role_id, x.permissions_hash', 'cur_day', 'access_roles')},
${side('roles_prev', 'access_roles', 'x.role_id, x.permissions_hash', 'prev_day', 'access_roles')},
${side('users_cur', 'access_users', 'x.user_id, x.state', 'cur_day', 'access_users')},
${side('users_prev', 'access_users', 'x.user_id, x.state', 'prev_day', 'access_users')},
${side('clients_cur', 'access_oauth_clients', 'x.client_id, x.state, x.role_ids', 'cur_day', 'access_oauth_clients')},
${side('clients_prev', 'access_oauth_clients', 'x.client_id, x.state, x.role_ids', 'prev_day', 'access_oauth_clients')},
diffs AS (
  SELECT coalesce(c.cur_day, o.cur_day) AS cur_day, coalesce(c.prev_day, o.prev_day) AS prev_day,
    CASE WHEN o.role_id IS NULL THEN 'grant_added' ELSE 'grant_removed' END AS change,
    coalesce(c.subject_type, o.subject_type) AS subject_type, coalesce(c.subject_id, o.subject_id) AS subject_id,
    coalesce(c.role_id, o.role_id) AS role_id, coalesce(c.division_id, o.division_id) AS division_id,
    'role ' || coalesce(c.role_id, o.role_id) || ' in division ' || coalesce(c.division_id, o.division_id, '-') AS detail
  FROM grants_cur c FULL OUTER JOIN grants_prev o
    ON o.cur_day = c.cur_day AND o.subject_id = c.subject_id AND o.role_id = c.role_id
    AND coalesce(o.division_id, '') = coalesce(c.division_id, '')
  WHERE c.role_id IS NULL OR o.role_id IS NULL
  UNION ALL
  SELECT coalesce(c.cur_day, o.cur_day), coalesce(c.prev_day, o.prev_day),
    CASE WHEN o.role_id IS NULL THEN 'role_created' WHEN c.role_id IS NULL THEN 'role_deleted' ELSE 'role_permissions_changed' END,
    'role', coalesce(c.role_id, o.role_id), coalesce(c.role_id, o.role_id), CAST(NULL AS VARCHAR),
    'permissions ' || coalesce(o.permissions_hash, '-') || ' -> ' || coalesce(c.permissions_hash, '-')
  FROM roles_cur c FULL OUTER JOIN roles_prev o ON o.cur_day = c.cur_day AND o.role_id = c.role_id
  WHERE c.role_id IS NULL OR o.role_id IS NULL OR coalesce(o.permissions_hash, '') <> coalesce(c.permissions_hash, '')
  UNION ALL
  SELECT coalesce(c.cur_day, o.cur_day), coalesce(c.prev_day, o.prev_day),
    CASE WHEN o.user_id IS NULL THEN 'user_added' WHEN c.user_id IS NULL THEN 'user_removed' ELSE 'user_state_changed' END,
    'user', coalesce(c.user_id, o.user_id), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
    'state ' || coalesce(o.state, '-') || ' -> ' || coalesce(c.state, '-')
  FROM users_cur c FULL OUTER JOIN users_prev o ON o.cur_day = c.cur_day AND o.user_id = c.user_id
  WHERE c.user_id IS NULL OR o.user_id IS NULL OR coalesce(o.state, '') <> coalesce(c.state, '')
  UNION ALL
  SELECT coalesce(c.cur_day, o.cur_day), coalesce(c.prev_day, o.prev_day),
    CASE WHEN o.client_id IS NULL THEN 'client_created' WHEN c.client_id IS NULL THEN 'client_deleted' ELSE 'client_roles_changed' END,
    'oauth_client', coalesce(c.client_id, o.client_id), CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
    CASE WHEN o.client_id IS NOT NULL AND c.client_id IS NOT NULL THEN 'roles changed' ELSE 'state ' || coalesce(o.state, '-') || ' -> ' || coalesce(c.state, '-') END
  FROM clients_cur c FULL OUTER JOIN clients_prev o ON o.cur_day = c.cur_day AND o.client_id = c.client_id
  WHERE c.client_id IS NULL OR o.client_id IS NULL
    OR (c.role_ids IS NULL) <> (o.role_ids IS NULL) OR array_sort(c.role_ids) <> array_sort(o.role_ids)
),
matched AS (
  SELECT d.*, e.event_id, e.event_time, e.user_id AS actor_user_id,
    row_number() OVER (
      PARTITION BY d.cur_day, d.change, d.subject_id, coalesce(d.role_id, ''), coalesce(d.division_id, '')
      ORDER BY e.event_time DESC, e.event_id DESC
    ) AS match_rank
  FROM diffs d LEFT JOIN ev e ON ${between('e', 'd')} AND (${explains}
    )
),
subjects AS (
  SELECT DISTINCT cur_day, subject_id FROM grants_cur
  UNION SELECT DISTINCT cur_day, subject_id FROM grants_prev
  UNION SELECT DISTINCT cur_day, user_id FROM users_cur
),
membership AS (
  SELECT DISTINCT t.cur_day, t.prev_day, e.event_id, e.event_time, e.user_id, e.action, e.entity_id AS role_id,
    coalesce(e.new_value, e.old_value) AS subject_id
  FROM pair_tables t JOIN ev e ON ${between('e', 't')}
  WHERE t.table_name = 'access_grants' AND e.service_name = 'PeoplePermissions' AND e.entity_type = 'Role'
    AND e.action IN ('MemberAdd', 'MemberRemove') AND coalesce(e.new_value, e.old_value) NOT LIKE '[%'
  UNION
  SELECT DISTINCT t.cur_day, t.prev_day, e.event_id, e.event_time, e.user_id, e.action, e.entity_id, s.subject_id
  FROM pair_tables t JOIN ev e ON ${between('e', 't')}
  JOIN subjects s ON s.cur_day = t.cur_day AND strpos(coalesce(e.new_value, '') || coalesce(e.old_value, ''), '"' || s.subject_id || '"') > 0
  WHERE t.table_name = 'access_grants' AND e.service_name = 'PeoplePermissions' AND e.entity_type = 'Role'
    AND e.action IN ('MemberAdd', 'MemberRemove') AND coalesce(e.new_value, e.old_value) LIKE '[%'
),
last_membership AS (
  SELECT m.*, row_number() OVER (PARTITION BY m.cur_day, m.role_id, m.subject_id ORDER BY m.event_time DESC, m.event_id DESC) AS rk
  FROM membership m
),
last_client AS (
  SELECT t.cur_day, t.prev_day, e.event_id, e.event_time, e.user_id, e.action, e.entity_id AS client_id,
    row_number() OVER (PARTITION BY t.cur_day, e.entity_id ORDER BY e.event_time DESC, e.event_id DESC) AS rk
  FROM pair_tables t JOIN ev e ON ${between('e', 't')}
  WHERE t.table_name = 'access_oauth_clients' AND e.entity_type = 'OAuthClient' AND e.action IN ('Create', 'Delete')
),
last_user AS (
  SELECT t.cur_day, t.prev_day, e.event_id, e.event_time, e.user_id, e.action, e.entity_id AS subject_id,
    row_number() OVER (PARTITION BY t.cur_day, e.entity_id ORDER BY e.event_time DESC, e.event_id DESC) AS rk
  FROM pair_tables t JOIN ev e ON ${between('e', 't')}
  WHERE t.table_name = 'access_users' AND e.entity_type = 'User' AND e.action IN ('Create', 'Delete')
),
missing AS (
  SELECT m.cur_day, m.prev_day, 'event_effect_missing' AS change, 'user' AS subject_type, m.subject_id, m.role_id,
    CAST(NULL AS VARCHAR) AS division_id,
    'Role ' || m.action || ' of role ' || m.role_id || (CASE WHEN m.action = 'MemberAdd' THEN ': no such grant' ELSE ': the grant remains' END) || ' in snapshot ' || m.cur_day AS detail,
    m.event_id, m.event_time, m.user_id AS actor_user_id
  FROM (SELECT * FROM last_membership WHERE rk = 1) m
  LEFT JOIN (SELECT DISTINCT cur_day, subject_id, role_id FROM grants_cur) g
    ON g.cur_day = m.cur_day AND g.subject_id = m.subject_id AND g.role_id = m.role_id
  WHERE (m.action = 'MemberAdd' AND g.role_id IS NULL) OR (m.action = 'MemberRemove' AND g.role_id IS NOT NULL)
  UNION ALL
  SELECT l.cur_day, l.prev_day, 'event_effect_missing', 'oauth_client', l.client_id, CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
    'OAuthClient ' || l.action || ': ' || (CASE WHEN l.action = 'Create' THEN 'no such client' ELSE 'the client remains' END) || ' in snapshot ' || l.cur_day,
    l.event_id, l.event_time, l.user_id
  FROM (SELECT * FROM last_client WHERE rk = 1) l
  LEFT JOIN clients_cur c ON c.cur_day = l.cur_day AND c.client_id = l.client_id
  WHERE (l.action = 'Create' AND c.client_id IS NULL) OR (l.action = 'Delete' AND c.client_id IS NOT NULL AND lower(coalesce(c.state, '')) <> 'deleted')
  UNION ALL
  SELECT l.cur_day, l.prev_day, 'event_effect_missing', 'user', l.subject_id, CAST(NULL AS VARCHAR), CAST(NULL AS VARCHAR),
    'User ' || l.action || ': ' || (CASE WHEN l.action = 'Create' THEN 'no such user' ELSE 'the user is still ' || coalesce(u.state, '-') END) || ' in snapshot ' || l.cur_day,
    l.event_id, l.event_time, l.user_id
  FROM (SELECT * FROM last_user WHERE rk = 1) l
  LEFT JOIN users_cur u ON u.cur_day = l.cur_day AND u.user_id = l.subject_id
  WHERE (l.action = 'Create' AND u.user_id IS NULL) OR (l.action = 'Delete' AND u.user_id IS NOT NULL AND lower(coalesce(u.state, '')) <> 'deleted')
)
SELECT cur_day AS snapshot_day, prev_day AS previous_snapshot_day, change, subject_type, subject_id, role_id, division_id, detail,
  event_id, event_time, actor_user_id, event_id IS NOT NULL AS explained,
  substr(cur_day, 1, 4) AS year, substr(cur_day, 6, 2) AS month, substr(cur_day, 9, 2) AS day
FROM matched WHERE match_rank = 1
UNION ALL
SELECT cur_day, prev_day, change, subject_type, subject_id, role_id, division_id, detail,
  event_id, event_time, actor_user_id, FALSE,
  substr(cur_day, 1, 4), substr(cur_day, 6, 2), substr(cur_day, 9, 2)
FROM missing`;
}
