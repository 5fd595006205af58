import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';
import type { CompletenessAttestation } from './completeness';
import { LakeTable } from './keys';
import { ManifestSigner, verifySignature } from './signing';

export const MANIFEST_SCHEMA = 'gcaudit.manifest/v1';

export interface ManifestObject {
  table: LakeTable;
  key: string;
  versionId?: string;
  sha256: string;
  bytes: number;
  rows: number;
  events: number;
  minEventTime: string | null;
  maxEventTime: string | null;
}

/** How the day's data was obtained: enough for an auditor to re-run the same query. */
export interface ManifestQuery {
  api: 'POST /api/v2/audits/query';
  interval: string;
  serviceName: string | null;
  transactionIds: string[];
  pageSize: number;
  pages: number;
  requests: number;
}

/** What a seal states; the chain adds sequence, previous and signature. */
export interface ManifestBody {
  schema: typeof MANIFEST_SCHEMA;
  org: string;
  day: string;
  /** 1 for the first seal of a day; each later version adds a supplement of new events only. */
  version: number;
  sealedAt: string;
  objects: ManifestObject[];
  /** The whole day across all versions so far. */
  dayTotals: { events: number; rows: number; objects: number };
  query: ManifestQuery | null;
  masking: { hmacKeyId: string; extraAllowlist: string[] };
  reconciliation: Record<string, unknown> | null;
  /** The day's completeness attestation (absent in manifests sealed before it existed). */
  completeness?: CompletenessAttestation;
  /**
   * Present on the version that adds the day's access snapshot (its objects are the access_*
   * tables; events are unchanged): when it was captured, what the OAuth client could read, and
   * what it cost.
   */
  accessSnapshot?: AccessSnapshotStatement;
}

export interface AccessSnapshotStatement {
  capturedAt: string;
  /** Genesys' org id the snapshot was read from. */
  orgId: string;
  requests: number;
  coverage: Array<{
    table: string;
    readable: boolean;
    missingPermission: string | null;
    rows: number;
    requests: number;
  }>;
}

export interface Manifest extends ManifestBody {
  sequence: number;
  previous: { key: string; sha256: string } | null;
  signature: { alg: 'Ed25519'; keyId: string; value: string };
}

const encode = (value: unknown) => Buffer.from(canonicalJson(value), 'utf8');

/** The bytes stored for a manifest: RFC 8785 canonical JSON, so its hash is well defined. */
export function manifestBytes(manifest: Manifest): Buffer {
  return encode(manifest);
}

export function signManifest(
  body: ManifestBody,
  chain: { sequence: number; previous: Manifest['previous'] },
  signer: ManifestSigner,
): Manifest {
  const unsigned = { ...body, sequence: chain.sequence, previous: chain.previous };
  return { ...unsigned, signature: { alg: 'Ed25519', keyId: signer.keyId, value: signer.sign(encode(unsigned)) } };
}

export function verifyManifestSignature(manifest: Manifest, publicKeyPem: string): boolean {
  const { signature, ...unsigned } = manifest;
  return signature?.alg === 'Ed25519' && verifySignature(publicKeyPem, encode(unsigned), signature.value);
}

export const sha256OfBytes = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
