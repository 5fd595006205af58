#!/usr/bin/env node
// Standalone verifier of a gcaudit evidence package, for auditors: Node.js 18 or later and
// nothing else (only node: built-ins; no install, no network). Modelled on
// `aws cloudtrail validate-logs`: it checks the signed index of the package, every file's
// SHA-256, and the manifest chain the package carries (each manifest's Ed25519 signature, the
// hash links between consecutive manifests, the day pointers).
//
//   node verify.mjs [package-dir] [--public-key key.pem] [--verbose]
//
// Exit 0: every check passed. Exit 1: something does not verify (each problem is printed with
// the file it concerns). Exit 2: the package could not be read at all.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const INDEX = 'index.json';
const UNINDEXED = new Set([INDEX, 'index.json.sig', 'index-public-key.pem', 'VERIFY.txt']);

function parseArgs(argv) {
  const opts = { dir: '.', publicKey: null, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--public-key') opts.publicKey = argv[++i];
    else if (a === '--verbose') opts.verbose = true;
    else if (a === '--help' || a === '-h') {
      process.stdout.write('usage: node verify.mjs [package-dir] [--public-key key.pem] [--verbose]\n');
      process.exit(0);
    } else if (a.startsWith('--')) {
      process.stderr.write(`unknown option ${a}\n`);
      process.exit(2);
    } else opts.dir = a;
  }
  return opts;
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const keyIdOf = (pem) => sha256(createPublicKey(pem).export({ type: 'spki', format: 'der' })).slice(0, 16);
function ed25519(pem, data, signature) {
  try {
    return verify(null, data, createPublicKey(pem), signature);
  } catch {
    return false;
  }
}

/** RFC 8785 canonical JSON: what manifests are signed over (as gcaudit writes them). */
function canonical(value) {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new TypeError('no NaN or Infinity in canonical JSON');
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

function walk(dir) {
  const out = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(full));
    else if (e.isFile()) out.push(full);
  }
  return out;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const dir = opts.dir;
  const problems = [];
  const fail = (file, why) => problems.push(`${file} INVALID: ${why}`);
  const say = (line) => process.stdout.write(`${line}\n`);

  let indexBytes;
  let index;
  try {
    indexBytes = readFileSync(join(dir, INDEX));
    index = JSON.parse(indexBytes.toString('utf8'));
  } catch (err) {
    process.stderr.write(`cannot read ${join(dir, INDEX)}: ${err.message}\n`);
    return 2;
  }
  say(`Validating evidence package of org ${index.org}, ${index.from} to ${index.to} (created ${index.createdAt})`);

  // 1. The index: its Ed25519 signature, with a pinned key when given.
  const pem = readFileSync(
    opts.publicKey ?? join(dir, index.signature?.publicKeyFile ?? 'index-public-key.pem'),
    'utf8',
  );
  const keyId = keyIdOf(pem);
  say(
    `Public key ${keyId} (${opts.publicKey ? `pinned: ${opts.publicKey}` : 'the one in the package: compare it with one obtained from the organisation, or pass --public-key'})`,
  );
  let sig;
  try {
    sig = readFileSync(join(dir, index.signature?.file ?? 'index.json.sig'));
  } catch {
    sig = Buffer.alloc(0);
  }
  const indexOk = ed25519(pem, indexBytes, sig);
  if (!indexOk)
    fail(
      INDEX,
      `the Ed25519 signature (${index.signature?.file ?? 'index.json.sig'}) does not verify with key ${keyId}`,
    );
  if (index.signature?.keyId && index.signature.keyId !== keyId)
    fail(INDEX, `signed with key ${index.signature.keyId}, the key given is ${keyId}`);

  // 2. Every file: listed, present, same size and SHA-256; nothing unlisted.
  const listed = new Map((index.files ?? []).map((f) => [f.path, f]));
  let filesOk = 0;
  for (const f of listed.values()) {
    let bytes;
    try {
      bytes = readFileSync(join(dir, ...f.path.split('/')));
    } catch {
      fail(f.path, 'missing');
      continue;
    }
    if (bytes.length !== f.bytes || sha256(bytes) !== f.sha256) {
      fail(
        f.path,
        `hash value doesn't match (sha256 ${sha256(bytes).slice(0, 16)}, index ${String(f.sha256).slice(0, 16)})`,
      );
      continue;
    }
    filesOk++;
    if (opts.verbose) say(`File ${f.path} valid`);
  }
  for (const full of walk(dir)) {
    const rel = relative(dir, full).split(sep).join('/');
    if (!listed.has(rel) && !UNINDEXED.has(rel)) fail(rel, 'not listed in index.json (added)');
  }

  // 3. The manifest chain the package carries: signatures, hash links, day pointers.
  const keys = new Map();
  const keyDir = join(dir, 'manifests', 'keys');
  if (opts.publicKey) keys.set(keyId, pem);
  else {
    for (const file of safeList(keyDir)) {
      const p = readFileSync(join(keyDir, file), 'utf8');
      const id = file.replace(/\.pem$/, '');
      if (keyIdOf(p) !== id) fail(`manifests/keys/${file}`, `holds key ${keyIdOf(p)}, not ${id}`);
      else keys.set(id, p);
    }
  }
  const chainDir = join(dir, 'manifests', 'chain');
  const entries = safeList(chainDir)
    .filter((f) => /^\d{9}\.json$/.test(f))
    .sort()
    .map((file) => {
      const bytes = readFileSync(join(chainDir, file));
      let manifest = null;
      try {
        manifest = JSON.parse(bytes.toString('utf8'));
      } catch {
        fail(`manifests/chain/${file}`, 'not valid JSON');
      }
      return { file: `manifests/chain/${file}`, seq: Number(file.slice(0, 9)), bytes, sha: sha256(bytes), manifest };
    });
  let manifestsOk = 0;
  const bySeq = new Map(entries.map((e) => [e.seq, e]));
  for (const e of entries) {
    const m = e.manifest;
    if (!m) continue;
    let ok = true;
    const { signature, ...unsigned } = m;
    const mpem = keys.get(signature?.keyId);
    if (!mpem) {
      fail(
        e.file,
        `signed with key ${signature?.keyId ?? '(none)'}, which is ${opts.publicKey ? 'not the pinned key' : 'not in manifests/keys/'}`,
      );
      ok = false;
    } else if (
      signature?.alg !== 'Ed25519' ||
      !ed25519(mpem, Buffer.from(canonical(unsigned), 'utf8'), Buffer.from(signature.value ?? '', 'base64'))
    ) {
      fail(e.file, 'the manifest signature does not verify');
      ok = false;
    }
    if (m.sequence !== e.seq) {
      fail(e.file, `says sequence ${m.sequence}`);
      ok = false;
    }
    const before = bySeq.get(e.seq - 1);
    if (before && (!m.previous || m.previous.sha256 !== before.sha)) {
      fail(
        e.file,
        `chain broken: previous sha256 ${String(m.previous?.sha256).slice(0, 16)} is not the sha256 of ${before.file} (${before.sha.slice(0, 16)})`,
      );
      ok = false;
    }
    if (ok) manifestsOk++;
    if (ok && opts.verbose) say(`Manifest ${e.file} (${m.day} v${m.version}) valid`);
  }
  const linked = entries.filter((e) => bySeq.has(e.seq - 1)).length;
  const daysDir = join(dir, 'manifests', 'days');
  let pointersOk = 0;
  let pointers = 0;
  for (const day of safeList(daysDir)) {
    for (const file of safeList(join(daysDir, day))) {
      pointers++;
      const rel = `manifests/days/${day}/${file}`;
      let p;
      try {
        p = JSON.parse(readFileSync(join(daysDir, day, file), 'utf8'));
      } catch {
        fail(rel, 'not valid JSON');
        continue;
      }
      const target = bySeq.get(p.sequence);
      if (!target) fail(rel, `names chain entry ${p.sequence}, which the package does not hold`);
      else if (target.sha !== p.sha256)
        fail(
          rel,
          `names ${target.file} with sha256 ${String(p.sha256).slice(0, 16)}, the file has ${target.sha.slice(0, 16)}`,
        );
      else if (target.manifest && (target.manifest.day !== p.day || target.manifest.version !== p.version))
        fail(rel, `says ${p.day} v${p.version}, ${target.file} is ${target.manifest.day} v${target.manifest.version}`);
      else pointersOk++;
    }
  }

  // Completeness attestations the manifests carry (signed with them), the last seal of each day.
  const lastOfDay = new Map();
  for (const e of entries) if (e.manifest?.day) lastOfDay.set(e.manifest.day, e.manifest);
  const attested = [...lastOfDay.values()].filter((m) => m.completeness);

  say('');
  say(`Results found for ${index.from} to ${index.to}:`);
  say(`${indexOk ? 1 : 0}/1 index file valid (Ed25519 signature of index.json)`);
  say(`${filesOk}/${listed.size} files valid (size and SHA-256 as indexed)`);
  say(
    `${manifestsOk}/${entries.length} manifests valid (Ed25519 signatures; ${linked} hash links to the manifest before checked, the others link outside the package)`,
  );
  say(`${pointersOk}/${pointers} day pointers valid`);
  if (attested.length) {
    const incomplete = attested.filter((m) => m.completeness.verdict !== 'complete');
    say(
      `${attested.length - incomplete.length}/${attested.length} days attested complete${incomplete.length ? `; incomplete: ${incomplete.map((m) => `${m.day} (${m.completeness.reasons.join('; ')})`).join(', ')}` : ''}`,
    );
  }
  say(
    `The lake verification this package states: ${index.verificationOk ? 'passed' : 'FAILED (see verification.json)'}`,
  );
  if (problems.length) {
    say('');
    for (const p of problems) say(p);
    say('');
    say(`FAILED: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    return 1;
  }
  say('');
  say('PASSED: the package is as signed');
  return 0;
}

function safeList(dir) {
  try {
    return statSync(dir).isDirectory() ? readdirSync(dir).sort() : [];
  } catch {
    return [];
  }
}

process.exitCode = main();
