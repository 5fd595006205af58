import { GetObjectCommand } from '@aws-sdk/client-s3';
import { listKeys } from '../s3/list-objects';
import { ImmutabilityError, InvalidDataError } from '../errors';
import type { Lake } from '../s3/lake';
import { putLockedObject } from '../s3/locked-object';
import {
  chainSeq,
  dayPointerKey,
  dayPointerPrefix,
  manifestChainKey,
  manifestChainPrefix,
  signingKeyKey,
} from './keys';
import { Manifest, ManifestBody, manifestBytes, sha256OfBytes, signManifest } from './manifest';
import { ManifestSigner } from './signing';

export interface ChainLink {
  sequence: number;
  key: string;
  sha256: string;
}

/** Per-day pointer: which chain entry holds version N of a day. */
export interface DayPointer extends ChainLink {
  day: string;
  version: number;
}

/**
 * The org's manifest chain: entries `manifests/chain/<seq>.json`, each holding the previous
 * entry's SHA-256 and an Ed25519 signature (CloudTrail digest files are the model). Entries are
 * created with If-None-Match, so two sealers racing for a sequence number cannot fork the
 * chain: the loser re-reads the tail and takes the next number.
 */
export class ManifestChain {
  private readonly publishedKeys = new Set<string>();

  constructor(
    private readonly lake: Lake,
    private readonly org: string,
  ) {}

  /** Every chain entry key, in sequence order. */
  async listChainKeys(): Promise<string[]> {
    return (await listKeys(this.lake.s3, this.lake.bucket, manifestChainPrefix(this.org)))
      .filter((k) => chainSeq(k) !== undefined)
      .sort();
  }

  async tail(): Promise<ChainLink | null> {
    const keys = await this.listChainKeys();
    const key = keys.at(-1);
    if (!key) return null;
    const bytes = await this.getBytes(key);
    return { sequence: chainSeq(key)!, key, sha256: sha256OfBytes(bytes) };
  }

  /**
   * Appends a signed manifest after the current tail. `alreadyAt` (from the caller's heartbeat)
   * names a sequence this same seal was written to before a crash: then nothing is appended twice.
   */
  async append(
    body: ManifestBody,
    signer: ManifestSigner,
    alreadyAt?: number,
  ): Promise<ChainLink & { manifest: Manifest }> {
    await this.publishSigningKey(signer);
    if (alreadyAt !== undefined) {
      const key = manifestChainKey(this.org, alreadyAt);
      const bytes = await this.getBytes(key);
      const manifest = JSON.parse(bytes.toString('utf8')) as Manifest;
      if (manifest.day === body.day && manifest.version === body.version) {
        return { sequence: alreadyAt, key, sha256: sha256OfBytes(bytes), manifest };
      }
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const tail = await this.tail();
      const sequence = (tail?.sequence ?? 0) + 1;
      const manifest = signManifest(
        body,
        { sequence, previous: tail ? { key: tail.key, sha256: tail.sha256 } : null },
        signer,
      );
      const bytes = manifestBytes(manifest);
      const key = manifestChainKey(this.org, sequence);
      try {
        const put = await putLockedObject(this.lake, {
          key,
          body: bytes,
          contentType: 'application/json',
        });
        return { sequence, key, sha256: put.sha256, manifest };
      } catch (err) {
        if (!(err instanceof ImmutabilityError)) throw err;
        // Another seal took this sequence number: retry after the new tail, with a little jitter.
        await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
      }
    }
    throw new ImmutabilityError(`could not append to the manifest chain of ${this.org}: too many concurrent seals`);
  }

  async writeDayPointer(pointer: DayPointer): Promise<void> {
    await putLockedObject(this.lake, {
      key: dayPointerKey(this.org, pointer.day, pointer.version),
      body: Buffer.from(JSON.stringify(pointer)),
      contentType: 'application/json',
    });
  }

  /** The day's pointers, oldest version first. */
  async dayPointers(day: string): Promise<DayPointer[]> {
    const keys = (await listKeys(this.lake.s3, this.lake.bucket, dayPointerPrefix(this.org, day))).sort();
    const pointers: DayPointer[] = [];
    for (const key of keys) pointers.push(JSON.parse((await this.getBytes(key)).toString('utf8')) as DayPointer);
    return pointers;
  }

  /** Every manifest of a day, oldest version first, each checked against its pointer's hash. */
  async dayManifests(day: string): Promise<Manifest[]> {
    const manifests: Manifest[] = [];
    for (const pointer of await this.dayPointers(day)) {
      const bytes = await this.getBytes(pointer.key);
      if (sha256OfBytes(bytes) !== pointer.sha256) {
        throw new InvalidDataError(`manifest ${pointer.key} does not match the SHA-256 its day pointer records`);
      }
      manifests.push(JSON.parse(bytes.toString('utf8')) as Manifest);
    }
    return manifests;
  }

  async readManifest(key: string): Promise<{ manifest: Manifest; sha256: string }> {
    const bytes = await this.getBytes(key);
    return { manifest: JSON.parse(bytes.toString('utf8')) as Manifest, sha256: sha256OfBytes(bytes) };
  }

  /** The public key travels with the lake (locked), so a verifier can find it by key id. */
  private async publishSigningKey(signer: ManifestSigner): Promise<void> {
    if (this.publishedKeys.has(signer.keyId)) return;
    await putLockedObject(this.lake, {
      key: signingKeyKey(this.org, signer.keyId),
      body: Buffer.from(signer.publicKeyPem),
      contentType: 'application/x-pem-file',
    });
    this.publishedKeys.add(signer.keyId);
  }

  private async getBytes(key: string): Promise<Buffer> {
    const res = await this.lake.s3.send(new GetObjectCommand({ Bucket: this.lake.bucket, Key: key }));
    return Buffer.from(await res.Body!.transformToByteArray());
  }
}
