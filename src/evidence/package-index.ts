import { createHash, createPublicKey } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { keyIdOf, ManifestSigner, verifySignature } from '../lake/signing';

export const INDEX_FILE = 'index.json';
export const INDEX_SIGNATURE_FILE = 'index.json.sig';
export const INDEX_PUBLIC_KEY_FILE = 'index-public-key.pem';
export const VERIFY_INSTRUCTIONS_FILE = 'VERIFY.txt';
/** Files that describe or sign the index, so they cannot be listed in it. */
export const UNINDEXED = [INDEX_FILE, INDEX_SIGNATURE_FILE, INDEX_PUBLIC_KEY_FILE, VERIFY_INSTRUCTIONS_FILE];

export interface PackageIndex {
  schema: 'gcaudit.evidence-index/v1';
  org: string;
  from: string;
  to: string;
  createdAt: string;
  verificationOk: boolean;
  signature: {
    alg: 'Ed25519';
    keyId: string;
    file: typeof INDEX_SIGNATURE_FILE;
    publicKeyFile: typeof INDEX_PUBLIC_KEY_FILE;
  };
  files: Array<{ path: string; bytes: number; sha256: string }>;
}

/** Every file under dir except the index's own, with its SHA-256, in path order (POSIX separators). */
export async function hashFiles(dir: string): Promise<PackageIndex['files']> {
  const entries = (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
  const files: PackageIndex['files'] = [];
  for (const e of entries) {
    const full = path.join(e.parentPath, e.name);
    const rel = path.relative(dir, full).split(path.sep).join('/');
    if (UNINDEXED.includes(rel)) continue;
    const bytes = await readFile(full);
    files.push({ path: rel, bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The index and its detached signature: Ed25519 over the exact bytes of index.json, with the
 * manifest signing key, so standard tools verify it (openssl pkeyutl -verify -rawin).
 */
export function signIndex(
  index: Omit<PackageIndex, 'signature'>,
  signer: ManifestSigner,
): { json: Buffer; signature: Buffer; index: PackageIndex } {
  const full: PackageIndex = {
    ...index,
    signature: {
      alg: 'Ed25519',
      keyId: signer.keyId,
      file: INDEX_SIGNATURE_FILE,
      publicKeyFile: INDEX_PUBLIC_KEY_FILE,
    },
  };
  const json = Buffer.from(`${JSON.stringify(full, null, 2)}\n`, 'utf8');
  return { json, signature: Buffer.from(signer.sign(json), 'base64'), index: full };
}

export interface PackageCheck {
  ok: boolean;
  keyId: string | null;
  signatureOk: boolean;
  problems: string[];
}

/** Checks a package as an auditor would: the signature of index.json, then every file's hash, and no file unlisted. */
export async function checkPackage(dir: string, pinnedPublicKeyPem?: string): Promise<PackageCheck> {
  const problems: string[] = [];
  const json = await readFile(path.join(dir, INDEX_FILE));
  const sig = await readFile(path.join(dir, INDEX_SIGNATURE_FILE));
  const pem = pinnedPublicKeyPem ?? (await readFile(path.join(dir, INDEX_PUBLIC_KEY_FILE), 'utf8'));
  const signatureOk = verifySignature(pem, json, sig.toString('base64'));
  if (!signatureOk) problems.push('index.json: the signature does not verify');
  const index = JSON.parse(json.toString('utf8')) as PackageIndex;
  const actual = new Map((await hashFiles(dir)).map((f) => [f.path, f]));
  for (const f of index.files) {
    const a = actual.get(f.path);
    if (!a) problems.push(`${f.path}: missing`);
    else if (a.sha256 !== f.sha256)
      problems.push(`${f.path}: modified (sha256 ${a.sha256.slice(0, 12)}, index ${f.sha256.slice(0, 12)})`);
    actual.delete(f.path);
  }
  for (const p of actual.keys()) problems.push(`${p}: not in the index`);
  return { ok: problems.length === 0, keyId: keyIdOf(createPublicKey(pem)), signatureOk, problems };
}

export function verifyInstructions(index: PackageIndex): string {
  return `Evidence package: Genesys Cloud audit lake of org ${index.org}, ${index.from} to ${index.to}
Created ${index.createdAt} by gcaudit evidence export.

What is here
  report.html          the report: coverage, events per day, findings per control, reconciliation,
                       the verification result and the method (open it in any browser; no network needed)
  verification.json    the full verification result (gcaudit verify --json)
  findings.csv         every stored finding of the range
  coverage.csv         per day: sealed, seal versions, events, rows, objects, verification status
  access-review/holders.csv  who held which role (and permissions) on the range's last access snapshot
  access-review/changes.csv  each change between access snapshots of the range, with the audit event
                       that explains it or the finding when none does
  assessment-results.json  NIST OSCAL 1.1 assessment results for GRC tools: the reviewed controls,
                       an observation per check and per day's completeness, a finding per finding,
                       the lake objects with their SHA-256 in back-matter
  assessment-plan.json the minimal OSCAL assessment plan the results import
  verify.mjs           the standalone verifier (below): one file, Node.js built-ins only
  manifests/           the signed day manifests (hash chain entries), day pointers and the public
                       key(s) that sign them, byte for byte as stored in the lake
  index.json           every file above with its size and SHA-256
  index.json.sig       Ed25519 signature of index.json (raw 64 bytes), key id ${index.signature.keyId}
  index-public-key.pem the public key of that signature (the lake's manifest signing key)

How to check it: the standalone verifier (all of 1 and 2 below, and the manifest chain)
  Needs Node.js 18 or later and nothing else (no install, no network), like
  aws cloudtrail validate-logs:
       node verify.mjs .                                  (the key in the package)
       node verify.mjs . --public-key <key you obtained from the organisation>.pem
  It checks the Ed25519 signature of index.json, the size and SHA-256 of every file listed (and
  that no file was added), each manifest's Ed25519 signature over its RFC 8785 canonical JSON,
  the hash links between consecutive manifests and the day pointers, and prints each day's
  completeness verdict. Exit status 0: PASSED; 1: FAILED, each problem naming its file.
  verify.mjs is itself listed in index.json; the original is auditor/verify.mjs of gcaudit.

Or by hand, with standard tools
  1. The index is authentic (OpenSSL 3):
       openssl pkeyutl -verify -pubin -inkey index-public-key.pem -rawin -in index.json -sigfile index.json.sig
     It prints "Signature Verified Successfully". For independent proof, compare the key with one
     you obtained from the organisation separately (its key id is the first 16 hex digits of the
     SHA-256 of the key's DER form: openssl pkey -pubin -in index-public-key.pem -outform DER | sha256sum).
  2. Every file is as indexed:
       node -e 'const f=require("./index.json").files;for(const x of f)console.log(x.sha256+"  "+x.path)' | sha256sum -c -
     (or with jq: jq -r '.files[] | "\\(.sha256)  \\(.path)"' index.json | sha256sum -c -)
  3. The lake itself, at any later time, with the public key pinned:
       gcaudit verify --from ${index.from} --to ${index.to} --public-key index-public-key.pem
`;
}
