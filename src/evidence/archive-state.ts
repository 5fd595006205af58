/**
 * Archive storage classes and the x-amz-restore header. Objects in GLACIER (Flexible Retrieval)
 * or DEEP_ARCHIVE cannot be read until restored; GLACIER_IR and STANDARD_IA are read directly.
 */
export const RESTORE_NEEDED_CLASSES = ['GLACIER', 'DEEP_ARCHIVE'] as const;

export type RestoreState = 'not-archived' | 'archived' | 'restoring' | 'restored';

export function needsRestore(storageClass: string | undefined): boolean {
  return (RESTORE_NEEDED_CLASSES as readonly string[]).includes(storageClass ?? 'STANDARD');
}

/** `ongoing-request="true"` while restoring; `ongoing-request="false", expiry-date="..."` once readable. */
export function restoreState(storageClass: string | undefined, restoreHeader: string | undefined): RestoreState {
  if (!needsRestore(storageClass)) return 'not-archived';
  if (!restoreHeader) return 'archived';
  if (/ongoing-request\s*=\s*"true"/i.test(restoreHeader)) return 'restoring';
  if (/ongoing-request\s*=\s*"false"/i.test(restoreHeader)) return 'restored';
  return 'archived';
}

/** The expiry-date of a finished restore, as ISO-8601, if the header has one. */
export function restoreExpiry(restoreHeader: string | undefined): string | undefined {
  const m = /expiry-date\s*=\s*"([^"]+)"/i.exec(restoreHeader ?? '');
  if (!m) return undefined;
  const ms = Date.parse(m[1]);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
