import { AccessReview } from './access-review';
import { html, SafeHtml } from './html';

/**
 * The report's "Access review" section: who holds which role on the last snapshot of the range,
 * and every change between snapshots in the range with the audit event that explains it, or the
 * finding when none does. What the snapshots could not read is stated as unknown.
 */
export function accessReviewSection(r: AccessReview): SafeHtml {
  const open = r.changes.filter((c) => c.finding);
  return html`<section id="access-review">
    <h2>Access review</h2>
    <p>
      ${
        r.snapshotDay
          ? html`Role holders from the access snapshot of <strong>${r.snapshotDay}</strong> (captured
              ${r.capturedAt ?? '?'}); changes between consecutive snapshots after ${r.since ?? '-'}:
              <strong>${r.changes.length - open.length}</strong> explained by audit events,
              <strong class="${open.length ? 'bad' : ''}">${open.length}</strong> without (findings). Files:
              access-review/holders.csv, access-review/changes.csv.`
          : html`No access snapshot up to ${r.asOf}: the access review has no data for this range.`
      }
    </p>
    ${
      r.unknown.length
        ? html`<ul id="access-unknown">
            ${r.unknown.map((u) => html`<li>Unknown: ${u}</li>`)}
          </ul>`
        : ''
    }
    ${
      r.snapshotDay
        ? html`<h3>Changes</h3>
            <table id="access-changes">
              <thead>
                <tr>
                  <th>Snapshots</th>
                  <th>Change</th>
                  <th>Subject</th>
                  <th>Role</th>
                  <th>Division</th>
                  <th>Detail</th>
                  <th>Audit event</th>
                  <th>Finding</th>
                </tr>
              </thead>
              <tbody>
                ${r.changes.map(
                  (c) =>
                    html`<tr
                      data-change="${c.change}"
                      data-subject="${c.subjectId ?? ''}"
                      class="${c.finding ? 'finding' : 'explained'}"
                    >
                      <td>${c.previousSnapshotDay} → ${c.snapshotDay}</td>
                      <td>${c.change}</td>
                      <td>${c.subjectType ?? ''} ${c.subjectId ?? ''}</td>
                      <td>${c.roleId ?? ''}</td>
                      <td>${c.divisionId ?? ''}</td>
                      <td>${c.detail ?? ''}</td>
                      <td>${c.eventId ? `${c.eventId} ${c.eventTime ?? ''} by ${c.actorUserId ?? '?'}` : 'none'}</td>
                      <td>${c.finding ?? ''}</td>
                    </tr>`,
                )}
              </tbody>
            </table>
            <h3>Role holders on ${r.snapshotDay}</h3>
            <table id="access-holders">
              <thead>
                <tr>
                  <th>Role</th>
                  <th>Subject</th>
                  <th>Name</th>
                  <th>State</th>
                  <th>Division</th>
                  <th>Permissions</th>
                </tr>
              </thead>
              <tbody>
                ${r.holders.map(
                  (h) =>
                    html`<tr data-role="${h.roleId}" data-subject="${h.subjectId}">
                      <td>${h.roleName ?? h.roleId}</td>
                      <td>${h.subjectType} ${h.subjectId}</td>
                      <td>${h.subjectName ?? ''}</td>
                      <td>${h.subjectState ?? ''}</td>
                      <td>${h.divisionName ?? h.divisionId ?? ''}</td>
                      <td>${h.permissions.join(' ')}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
        : ''
    }
  </section>`;
}
