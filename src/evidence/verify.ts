import { createPublicKey } from 'node:crypto';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { daysBetween } from '../days';
import {
  chainSeq,
  dayOfPointerKey,
  dayPointerKey,
  dayPointerPrefix,
  dayPointersRoot,
  dayPointerVersion,
  manifestChainKey,
  manifestChainPrefix,
  manifestsRoot,
  ACCESS_TABLES,
  partitionPrefix,
  signingKeyIdOf,
  signingKeysPrefix,
} from '../lake/keys';
import { Manifest, sha256OfBytes, verifyManifestSignature } from '../lake/manifest';
import { keyIdOf } from '../lake/signing';
import { restoreState } from './archive-state';
import type { Lake } from '../s3/lake';
import { headVersion, latestOf, listVersions, ObjectVersion, readVersion } from '../s3/object-versions';

export type ObjectStatus = 'ok' | 'modified' | 'missing' | 'unlocked' | 'lock-mode' | 'retention-short' | 'archived';
/** events: an audit_events part; access: a table of the day's access snapshot. */
export type ObjectKind = 'events' | 'access' | 'manifest' | 'pointer';

export interface ObjectReport {
  key: string;
  kind: ObjectKind;
  /** The day's seal version that lists the object. */
  sealVersion: number;
  /** The version the seal recorded (events) or the original version (manifests, pointers). */
  versionId?: string;
  status: ObjectStatus;
  sha256?: string;
  lockMode?: string;
  retainUntil?: string;
  storageClass?: string;
  /** Why the status is not ok, for a person. */
  detail?: string;
}

export interface DayReport {
  day: string;
  sealed: boolean;
  /** Seal versions found in the chain (1 = first seal, more = supplements). */
  versions: number[];
  events: number;
  rows: number;
  objects: ObjectReport[];
}

export interface AddedObject {
  key: string;
  versionId: string;
  bytes: number;
  detail: string;
}

export interface ChainBreak {
  sequence: number;
  key: string;
  reason: string;
}

export interface SignatureFailure {
  sequence: number;
  key: string;
  versionId: string;
  keyId: string;
  reason: string;
}

export interface Problem {
  kind: 'unsealed' | 'object' | 'added' | 'chain-break' | 'signature' | 'signing-key';
  message: string;
  day?: string;
  key?: string;
}

export interface VerifyReport {
  schema: 'gcaudit.verify/v1';
  org: string;
  bucket: string;
  from: string;
  to: string;
  verifiedAt: string;
  policy: { lockMode: 'COMPLIANCE' | 'GOVERNANCE'; retentionDays: number };
  publicKey: { source: 'pinned' | 'lake'; keyIds: string[]; file?: string; note: string };
  chain: { entries: number; firstSequence: number | null; lastSequence: number | null; headSha256: string | null };
  days: DayReport[];
  added: AddedObject[];
  chainBreaks: ChainBreak[];
  signatureFailures: SignatureFailure[];
  problems: Problem[];
  warnings: string[];
  summary: {
    days: number;
    sealedDays: number;
    objects: number;
    objectsOk: number;
    objectsArchived: number;
    events: number;
  };
  ok: boolean;
}

export interface VerifyOptions {
  lake: Lake;
  org: string;
  from: string;
  to: string;
  policy: VerifyReport['policy'];
  /** A key pinned by the verifier (e.g. kept by the auditor); else the keys stored in the lake. */
  pinnedKey?: { pem: string; file?: string };
  now?: Date;
}

/** One stored version of a chain entry, read once. */
interface ChainVersion {
  v: ObjectVersion;
  bytes: Buffer;
  sha256: string;
  manifest: Manifest | null;
  signatureOk: boolean;
}

/** One chain entry with every stored version, read once. */
interface ChainEntry {
  sequence: number;
  key: string;
  versions: ChainVersion[];
  /** What a plain GET returns: null when a delete marker hides the entry. */
  current: ChainVersion | null;
  /** The oldest version whose signature verifies: the seal as written (entries are create-only). */
  trusted: ChainVersion | null;
}

/** What one phase found besides its own result: problems, warnings for a person, objects no seal accounts for. */
interface Findings {
  problems: Problem[];
  warnings: string[];
  added: AddedObject[];
}

const MINUTE = 60_000;
const DAY_MS = 86_400_000;

/**
 * Verifies the lake for a range of days, CloudTrail digest style: walks the whole manifest
 * chain (signatures and hash links), then checks every object the range's manifests list
 * (its recorded version still current, its SHA-256, its Object Lock mode and retention) and
 * looks for objects no manifest lists. Nothing is trusted because it is there: a key stored in
 * the bucket proves integrity only together with Object Lock, which is why a pinned key can be given.
 */
export async function verifyLake(opts: VerifyOptions): Promise<VerifyReport> {
  const manifestVersions = await listVersions(opts.lake.s3, opts.lake.bucket, manifestsRoot(opts.org));
  const signing = await readSigningKeys(opts, manifestVersions);
  const chain = await readChain(opts, manifestVersions, signing.keys);
  const links = checkLinks(opts.org, chain.entries);
  const seals = sealsAndAddedObjects(opts, manifestVersions, chain.entries);
  const days: Array<{ report: DayReport } & Findings> = [];
  for (const day of daysBetween(opts.from, opts.to))
    days.push(await verifyDay(opts, day, seals.byDay.get(day) ?? [], manifestVersions));
  const added = addedInScope(
    opts,
    [chain, seals, ...days].flatMap((f) => f.added),
  );
  return assembleReport(opts, {
    publicKey: signing.publicKey,
    entries: chain.entries,
    days: days.map((d) => d.report),
    added: added.added,
    chainBreaks: links.chainBreaks,
    signatureFailures: chain.signatureFailures,
    findings: [signing, chain, links, seals, ...days, added],
  });
}

/** Phase 2, the chain: every entry, every version, each signature checked against the keys of phase 1. */
async function readChain(
  opts: VerifyOptions,
  manifestVersions: Map<string, ObjectVersion[]>,
  keys: Map<string, string>,
): Promise<{ entries: ChainEntry[]; signatureFailures: SignatureFailure[] } & Findings> {
  const { org } = opts;
  const { s3, bucket } = opts.lake;
  const found: Findings = { problems: [], warnings: [], added: [] };
  const entries: ChainEntry[] = [];
  for (const [key, versions] of manifestVersions) {
    if (!key.startsWith(manifestChainPrefix(org))) continue;
    const sequence = chainSeq(key);
    if (sequence === undefined || key !== manifestChainKey(org, sequence)) {
      found.added.push(...addedVersions(key, versions, 'not a chain entry name'));
      continue;
    }
    const read: ChainVersion[] = [];
    for (const v of versions.filter((x) => !x.deleteMarker)) {
      const bytes = await readVersion(s3, bucket, key, v.versionId);
      let manifest: Manifest | null;
      try {
        manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
      } catch {
        manifest = null;
      }
      const pem = manifest?.signature?.keyId ? keys.get(manifest.signature.keyId) : undefined;
      read.push({
        v,
        bytes,
        sha256: sha256OfBytes(bytes),
        manifest,
        signatureOk: !!manifest && !!pem && verifyManifestSignature(manifest, pem),
      });
    }
    const latest = latestOf(versions);
    const current =
      latest && !latest.deleteMarker ? (read.find((r) => r.v.versionId === latest.versionId) ?? null) : null;
    entries.push({ sequence, key, versions: read, current, trusted: read.find((r) => r.signatureOk) ?? null });
  }
  entries.sort((a, b) => a.sequence - b.sequence);

  const signatureFailures: SignatureFailure[] = [];
  for (const e of entries) {
    for (const r of e.versions) {
      if (r.signatureOk) continue;
      const keyId = r.manifest?.signature?.keyId ?? '';
      const reason = !r.manifest
        ? 'not valid JSON'
        : !keys.has(keyId)
          ? `signed with key ${keyId || '(none)'}, which is ${opts.pinnedKey ? 'not the pinned key' : 'not among the keys stored in the lake'}`
          : 'the Ed25519 signature does not match the content';
      signatureFailures.push({ sequence: e.sequence, key: e.key, versionId: r.v.versionId, keyId, reason });
    }
    if (e.versions.length > 1) {
      found.warnings.push(
        `chain entry ${e.key} has ${e.versions.length} versions; the seal as written is the ${e.trusted ? `signed version ${e.trusted.v.versionId}` : 'unknown'}`,
      );
    }
  }
  for (const f of signatureFailures) {
    found.problems.push({
      kind: 'signature',
      key: f.key,
      message: `chain entry ${f.key} (version ${f.versionId}): ${f.reason}`,
    });
  }
  return { entries, signatureFailures, ...found };
}

/**
 * Phase 4, seals and added objects: the trusted seals by day (the same day and version sealed twice
 * is a warning), signing keys no seal uses, and anything under manifests/ outside the layout.
 */
function sealsAndAddedObjects(
  opts: VerifyOptions,
  manifestVersions: Map<string, ObjectVersion[]>,
  entries: ChainEntry[],
): { byDay: Map<string, ChainEntry[]> } & Findings {
  const { org } = opts;
  const found: Findings = { problems: [], warnings: [], added: [] };
  const byDay = new Map<string, ChainEntry[]>();
  const seen = new Map<string, number>();
  for (const e of entries) {
    const m = e.trusted?.manifest;
    if (!m) continue;
    const id = `${m.day} v${m.version}`;
    if (seen.has(id))
      found.warnings.push(`seal ${id} appears twice in the chain (sequences ${seen.get(id)} and ${e.sequence})`);
    else seen.set(id, e.sequence);
    const list = byDay.get(m.day) ?? [];
    list.push(e);
    byDay.set(m.day, list);
  }
  const usedKeyIds = new Set(entries.map((e) => e.trusted?.manifest?.signature.keyId).filter((k): k is string => !!k));
  if (usedKeyIds.size > 1)
    found.warnings.push(
      `the chain is signed with ${usedKeyIds.size} keys (${[...usedKeyIds].join(', ')}): a key rotation, or a key that should not be there`,
    );
  if (!opts.pinnedKey) {
    for (const [key, versions] of manifestVersions) {
      const keyId = signingKeyIdOf(org, key);
      if (keyId !== undefined && !usedKeyIds.has(keyId))
        found.added.push(...addedVersions(key, versions, 'a signing key no manifest uses'));
    }
  }
  for (const [key, versions] of manifestVersions) {
    const inLayout = [manifestChainPrefix(org), signingKeysPrefix(org), dayPointersRoot(org)].some((p) =>
      key.startsWith(p),
    );
    if (!inLayout) found.added.push(...addedVersions(key, versions, 'not part of the manifest layout'));
  }
  return { byDay, ...found };
}

/** Phase 5, one day: its seals in order, their manifests and day pointers, and its event parts as sealed and nothing else. */
async function verifyDay(
  opts: VerifyOptions,
  day: string,
  daySeals: ChainEntry[],
  manifestVersions: Map<string, ObjectVersion[]>,
): Promise<{ report: DayReport } & Findings> {
  const { org } = opts;
  const { s3, bucket } = opts.lake;
  const found: Findings = { problems: [], warnings: [], added: [] };
  const seals = [...daySeals].sort((a, b) => a.trusted!.manifest!.version - b.trusted!.manifest!.version);
  const manifests = seals.map((s) => s.trusted!.manifest!);
  const report: DayReport = {
    day,
    sealed: manifests.length > 0,
    versions: manifests.map((m) => m.version),
    events: manifests.at(-1)?.dayTotals.events ?? 0,
    rows: manifests.at(-1)?.dayTotals.rows ?? 0,
    objects: [],
  };
  if (!report.sealed) {
    found.problems.push({ kind: 'unsealed', day, message: `${day} is not sealed: no signed manifest in the chain` });
  }
  manifests.forEach((m, i) => {
    if (m.version !== i + 1)
      found.problems.push({
        kind: 'unsealed',
        day,
        message: `${day}: seal versions are not 1..${manifests.length} (found ${report.versions.join(', ')})`,
      });
  });

  // The day's manifests (chain entries) and their pointers are evidence too.
  for (const s of seals) {
    report.objects.push(await manifestObject(opts, s, manifestVersions.get(s.key) ?? []));
  }
  const pointerKeys = [...manifestVersions.keys()].filter((k) => k.startsWith(dayPointerPrefix(org, day))).sort();
  for (const key of pointerKeys) {
    const versions = manifestVersions.get(key)!;
    const version = dayPointerVersion(org, day, key);
    const seal = seals.find((s) => s.trusted!.manifest!.version === version);
    if (!seal) {
      found.added.push(...addedVersions(key, versions, 'a day pointer no seal in the chain matches'));
      continue;
    }
    report.objects.push(await pointerObject(opts, key, versions, seal));
  }
  for (const s of seals) {
    const version = s.trusted!.manifest!.version;
    if (!pointerKeys.includes(dayPointerKey(org, day, version))) {
      found.warnings.push(
        `${day} v${version}: the chain entry ${s.key} has no day pointer (a seal interrupted before its pointer was written)`,
      );
    }
  }

  // The day's event parts and access snapshot tables: every listed object as sealed, and nothing else.
  const partVersions = new Map<string, ObjectVersion[]>();
  for (const table of ['audit_events', ...ACCESS_TABLES] as const)
    for (const [key, versions] of await listVersions(s3, bucket, partitionPrefix(org, table, day)))
      partVersions.set(key, versions);
  const listed = new Set<string>();
  for (const m of manifests) {
    for (const o of m.objects) {
      listed.add(o.key);
      report.objects.push(await eventObject(opts, m, o, partVersions.get(o.key) ?? []));
    }
  }
  for (const [key, versions] of partVersions) {
    if (!listed.has(key))
      found.added.push(...addedVersions(key, versions, `in the partition of ${day}, listed by no manifest`));
  }
  for (const o of report.objects) {
    if (o.status !== 'ok' && o.status !== 'archived')
      found.problems.push({
        kind: 'object',
        day,
        key: o.key,
        message: `${o.status}: ${o.key}${o.detail ? ` (${o.detail})` : ''}`,
      });
  }
  return { report, ...found };
}

/** Every stored version (not delete markers) of a key no seal accounts for. */
function addedVersions(key: string, versions: ObjectVersion[], detail: string): AddedObject[] {
  return versions.filter((v) => !v.deleteMarker).map((v) => ({ key, versionId: v.versionId, bytes: v.size, detail }));
}

/** Added objects the range answers for: day pointers of days outside the range are someone else's run. */
function addedInScope(opts: VerifyOptions, all: AddedObject[]): Findings {
  const inRange = new Set(daysBetween(opts.from, opts.to));
  const added = all.filter((a) => {
    const day = dayOfPointerKey(opts.org, a.key);
    return day === undefined || inRange.has(day);
  });
  const problems = added.map((a): Problem => ({
    kind: 'added',
    key: a.key,
    message: `added: ${a.key} (version ${a.versionId}, ${a.bytes} bytes): ${a.detail}`,
  }));
  return { problems, warnings: [], added };
}

/** The report: the phases' results, their problems and warnings in phase order, and the summary. */
function assembleReport(
  opts: VerifyOptions,
  parts: Pick<VerifyReport, 'publicKey' | 'days' | 'added' | 'chainBreaks' | 'signatureFailures'> & {
    entries: ChainEntry[];
    findings: Array<Pick<Findings, 'problems' | 'warnings'>>;
  },
): VerifyReport {
  const { entries, days, findings } = parts;
  const problems = findings.flatMap((f) => f.problems);
  const warnings = findings.flatMap((f) => f.warnings);
  const head = entries.at(-1)?.current ?? null;
  const objects = days.flatMap((d) => d.objects);
  const archived = objects.filter((o) => o.status === 'archived').length;
  if (archived > 0)
    warnings.push(
      `${archived} objects are in an archive storage class: their lock was checked, their content was not (restore them with gcaudit restore, then verify again)`,
    );
  return {
    schema: 'gcaudit.verify/v1',
    org: opts.org,
    bucket: opts.lake.bucket,
    from: opts.from,
    to: opts.to,
    verifiedAt: (opts.now ?? new Date()).toISOString(),
    policy: opts.policy,
    publicKey: parts.publicKey,
    chain: {
      entries: entries.length,
      firstSequence: entries[0]?.sequence ?? null,
      lastSequence: entries.at(-1)?.sequence ?? null,
      headSha256: head?.sha256 ?? null,
    },
    days,
    added: parts.added,
    chainBreaks: parts.chainBreaks,
    signatureFailures: parts.signatureFailures,
    problems,
    warnings,
    summary: {
      days: days.length,
      sealedDays: days.filter((d) => d.sealed).length,
      objects: objects.length,
      objectsOk: objects.filter((o) => o.status === 'ok').length,
      objectsArchived: archived,
      events: days.reduce((n, d) => n + d.events, 0),
    },
    ok: problems.length === 0,
  };
}

const short = (sha: string) => sha.slice(0, 12);

/** A manifest (chain entry): one version only, readable, as signed. */
async function manifestObject(opts: VerifyOptions, seal: ChainEntry, versions: ObjectVersion[]): Promise<ObjectReport> {
  const trusted = seal.trusted!;
  const base: ObjectReport = {
    key: seal.key,
    kind: 'manifest',
    sealVersion: trusted.manifest!.version,
    versionId: trusted.v.versionId,
    status: 'ok',
    sha256: trusted.sha256,
  };
  const versionProblem = versionStatus(versions, trusted.v.versionId, 'the signed version');
  if (versionProblem)
    return withLock(opts, { ...base, ...versionProblem }, trusted.v.versionId, trusted.manifest!.sealedAt);
  return withLock(opts, base, trusted.v.versionId, trusted.manifest!.sealedAt);
}

/** A day pointer: one version, naming the chain entry with its true hash. */
async function pointerObject(
  opts: VerifyOptions,
  key: string,
  versions: ObjectVersion[],
  seal: ChainEntry,
): Promise<ObjectReport> {
  const original = versions.find((v) => !v.deleteMarker)!;
  const base: ObjectReport = {
    key,
    kind: 'pointer',
    sealVersion: seal.trusted!.manifest!.version,
    versionId: original?.versionId,
    status: 'ok',
  };
  const versionProblem = versionStatus(versions, original?.versionId, 'the original version');
  if (versionProblem)
    return withLock(opts, { ...base, ...versionProblem }, original?.versionId, seal.trusted!.manifest!.sealedAt);
  const bytes = await readVersion(opts.lake.s3, opts.lake.bucket, key, original.versionId);
  base.sha256 = sha256OfBytes(bytes);
  let pointer: { key?: string; sha256?: string; sequence?: number } = {};
  try {
    pointer = JSON.parse(bytes.toString('utf8')) as typeof pointer;
  } catch {
    return { ...base, status: 'modified', detail: 'not valid JSON' };
  }
  if (pointer.key !== seal.key || pointer.sha256 !== seal.trusted!.sha256 || pointer.sequence !== seal.sequence) {
    return {
      ...base,
      status: 'modified',
      detail: `names ${pointer.key ?? '?'} with sha256 ${short(pointer.sha256 ?? '')}, the signed seal is ${seal.key} with ${short(seal.trusted!.sha256)}`,
    };
  }
  return withLock(opts, base, original.versionId, seal.trusted!.manifest!.sealedAt);
}

/** An event part: the version the seal recorded is still the current one, hashes as recorded, and is locked. */
async function eventObject(
  opts: VerifyOptions,
  m: Manifest,
  o: Manifest['objects'][number],
  versions: ObjectVersion[],
): Promise<ObjectReport> {
  const recorded = o.versionId ?? versions.find((v) => !v.deleteMarker)?.versionId;
  const kind = o.table === 'audit_events' ? 'events' : 'access';
  const base: ObjectReport = { key: o.key, kind, sealVersion: m.version, versionId: recorded, status: 'ok' };
  const versionProblem = versionStatus(versions, recorded, 'the sealed version');
  if (versionProblem?.status === 'missing' && !versions.some((v) => v.versionId === recorded))
    return { ...base, ...versionProblem };
  let head;
  try {
    head = await headVersion(opts.lake.s3, opts.lake.bucket, o.key, recorded);
  } catch (err) {
    if (
      err instanceof S3ServiceException &&
      (err.$metadata.httpStatusCode === 404 || err.$metadata.httpStatusCode === 405)
    ) {
      return { ...base, status: 'missing', detail: `the sealed version ${recorded} is not stored` };
    }
    throw err;
  }
  base.storageClass = head.storageClass;
  const state = restoreState(head.storageClass, head.restore);
  if (!versionProblem && state !== 'archived' && state !== 'restoring') {
    const bytes = await readVersion(opts.lake.s3, opts.lake.bucket, o.key, recorded);
    base.sha256 = sha256OfBytes(bytes);
    if (base.sha256 !== o.sha256)
      return {
        ...base,
        status: 'modified',
        detail: `sha256 ${short(base.sha256)}, the manifest records ${short(o.sha256)}`,
      };
  }
  const locked = lockStatus(opts, { ...base, lockMode: head.lockMode, retainUntil: head.retainUntil }, m.sealedAt);
  if (versionProblem) return { ...locked, ...versionProblem };
  if (locked.status === 'ok' && (state === 'archived' || state === 'restoring')) {
    return {
      ...locked,
      status: 'archived',
      detail: `in ${head.storageClass}${state === 'restoring' ? ', restore under way' : ''}: lock checked, content not read`,
    };
  }
  return locked;
}

/** What the versions of a key say: a delete marker on top = missing, another version on top = modified. */
function versionStatus(
  versions: ObjectVersion[],
  expected: string | undefined,
  what: string,
): Pick<ObjectReport, 'status' | 'detail'> | null {
  const latest = latestOf(versions);
  if (!latest) return { status: 'missing', detail: 'no version of the key is stored' };
  if (latest.deleteMarker) {
    const kept = versions.some((v) => v.versionId === expected && !v.deleteMarker);
    return {
      status: 'missing',
      detail: `a delete marker (${latest.versionId}) hides the key${kept ? `; ${what} ${expected} is still stored` : ''}`,
    };
  }
  if (expected && latest.versionId !== expected) {
    return {
      status: 'modified',
      detail: `a newer version ${latest.versionId} (${latest.size} bytes) replaces ${what} ${expected} on the key`,
    };
  }
  const extra = versions.filter((v) => v.versionId !== expected).length;
  if (extra > 0) return { status: 'modified', detail: `${extra} other versions or delete markers on the key` };
  return null;
}

async function withLock(
  opts: VerifyOptions,
  report: ObjectReport,
  versionId: string | undefined,
  sealedAt: string,
): Promise<ObjectReport> {
  if (!versionId) return report;
  try {
    const head = await headVersion(opts.lake.s3, opts.lake.bucket, report.key, versionId);
    const locked = lockStatus(
      opts,
      { ...report, lockMode: head.lockMode, retainUntil: head.retainUntil, storageClass: head.storageClass },
      sealedAt,
    );
    return report.status === 'ok' ? locked : { ...locked, status: report.status, detail: report.detail };
  } catch (err) {
    if (
      err instanceof S3ServiceException &&
      (err.$metadata.httpStatusCode === 404 || err.$metadata.httpStatusCode === 405)
    )
      return report;
    throw err;
  }
}

/** Object Lock as policy requires: the configured mode, retained at least retentionDays from the seal. */
function lockStatus(opts: VerifyOptions, report: ObjectReport, sealedAt: string): ObjectReport {
  if (!report.lockMode || !report.retainUntil)
    return { ...report, status: 'unlocked', detail: 'no Object Lock retention on the version' };
  if (opts.policy.lockMode === 'COMPLIANCE' && report.lockMode !== 'COMPLIANCE') {
    return {
      ...report,
      status: 'lock-mode',
      detail: `locked in ${report.lockMode} mode (can be lifted with s3:BypassGovernanceRetention); policy is COMPLIANCE`,
    };
  }
  const required = Date.parse(sealedAt) + opts.policy.retentionDays * DAY_MS - MINUTE;
  if (Date.parse(report.retainUntil) < required) {
    return {
      ...report,
      status: 'retention-short',
      detail: `retained until ${report.retainUntil}, policy needs ${new Date(required + MINUTE).toISOString()} (${opts.policy.retentionDays} days from the seal)`,
    };
  }
  return report;
}

/** Phase 3, links: each entry's sequence and the hash of the one before, as a reader of the current objects sees them. */
function checkLinks(org: string, entries: ChainEntry[]): { chainBreaks: ChainBreak[] } & Findings {
  const chainBreaks: ChainBreak[] = [];
  const bySeq = new Map(entries.map((e) => [e.sequence, e]));
  const lastSeq = entries.at(-1)?.sequence ?? 0;
  for (let seq = 1; seq <= lastSeq; seq++) {
    const e = bySeq.get(seq);
    const key = manifestChainKey(org, seq);
    if (!e) {
      chainBreaks.push({ sequence: seq, key, reason: 'the entry does not exist (no version stored)' });
      continue;
    }
    if (!e.current) {
      chainBreaks.push({ sequence: seq, key, reason: 'a delete marker hides the entry' });
      continue;
    }
    const m = e.current.manifest;
    if (!m) {
      chainBreaks.push({ sequence: seq, key, reason: 'the entry is not valid JSON' });
      continue;
    }
    if (m.sequence !== seq) chainBreaks.push({ sequence: seq, key, reason: `the entry says sequence ${m.sequence}` });
    if (seq === 1) {
      if (m.previous !== null)
        chainBreaks.push({ sequence: seq, key, reason: 'the first entry names a previous entry' });
      continue;
    }
    const before = bySeq.get(seq - 1);
    const expectedKey = manifestChainKey(org, seq - 1);
    if (!m.previous || m.previous.key !== expectedKey) {
      chainBreaks.push({
        sequence: seq,
        key,
        reason: `previous should be ${expectedKey}, the entry names ${m.previous?.key ?? 'none'}`,
      });
    } else if (before?.current && before.current.sha256 !== m.previous.sha256) {
      const original = before.versions.find((r) => r.sha256 === m.previous!.sha256);
      chainBreaks.push({
        sequence: seq,
        key,
        reason: `previous sha256 ${short(m.previous.sha256)} does not match the current ${expectedKey} (${short(before.current.sha256)})${original ? `; its version ${original.v.versionId} matches: the entry before was replaced` : ''}`,
      });
    }
  }
  const problems = chainBreaks.map((b): Problem => ({
    kind: 'chain-break',
    key: b.key,
    message: `chain break at sequence ${b.sequence} (${b.key}): ${b.reason}`,
  }));
  return { chainBreaks, problems, warnings: [], added: [] };
}

/** Phase 1, signing keys: the pinned one, or the lake's (each the original version of keys/<keyId>.pem), with their own problems. */
async function readSigningKeys(
  opts: VerifyOptions,
  manifestVersions: Map<string, ObjectVersion[]>,
): Promise<{ keys: Map<string, string>; publicKey: VerifyReport['publicKey'] } & Findings> {
  const { s3, bucket } = opts.lake;
  const problems: Problem[] = [];
  const keys = new Map<string, string>();
  if (opts.pinnedKey) {
    const keyId = keyIdOf(createPublicKey(opts.pinnedKey.pem));
    keys.set(keyId, opts.pinnedKey.pem);
    return {
      keys,
      problems,
      warnings: [],
      added: [],
      publicKey: {
        source: 'pinned',
        keyIds: [keyId],
        file: opts.pinnedKey.file,
        note: `signatures checked against the pinned key ${keyId}, not against keys stored in the bucket`,
      },
    };
  }
  for (const [key, versions] of manifestVersions) {
    const keyId = signingKeyIdOf(opts.org, key);
    if (keyId === undefined) continue;
    const original = versions.find((v) => !v.deleteMarker);
    if (!original) continue;
    const pem = (await readVersion(s3, bucket, key, original.versionId)).toString('utf8');
    let actualId: string | undefined;
    try {
      actualId = keyIdOf(createPublicKey(pem));
    } catch {
      actualId = undefined;
    }
    if (actualId !== keyId) {
      problems.push({
        kind: 'signing-key',
        key,
        message: `signing key object ${key} does not hold the key its name says (${actualId ?? 'unreadable'})`,
      });
      continue;
    }
    if (versions.length > 1) {
      problems.push({
        kind: 'signing-key',
        key,
        message: `signing key object ${key} has ${versions.length} versions or delete markers; the original version is used`,
      });
    }
    keys.set(keyId, pem);
  }
  return {
    keys,
    problems,
    warnings: [],
    added: [],
    publicKey: {
      source: 'lake',
      keyIds: [...keys.keys()].sort(),
      note: 'signatures checked against public keys stored in the lake bucket (manifests/keys/); that proves integrity only together with their Object Lock: pin a key kept elsewhere with --public-key for independent proof',
    },
  };
}
