/**
 * A TLS-terminating proxy in front of the plain Temporal dev server (whose CLI serves no TLS):
 * the server side of mTLS, with a CA, server and client certificates made by openssl for this run.
 * It demands a client certificate signed by the CA, speaks HTTP/2 (ALPN h2, as gRPC needs) and
 * pipes the decrypted bytes to the dev server.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createServer, TLSSocket } from 'node:tls';
import { freePort } from '../../src/stack/free-port';

export const TLS_SERVER_NAME = 'temporal.gcaudit.test';

export interface TlsFiles {
  dir: string;
  caCert: string;
  clientCert: string;
  clientKey: string;
  /** A client certificate of another CA: the proxy must refuse it. */
  strangerCert: string;
  strangerKey: string;
}

/** CA, a server certificate for TLS_SERVER_NAME and 127.0.0.1, and client certificates, by openssl. */
export function makeCertificates(): TlsFiles & { serverCert: string; serverKey: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'gcaudit-tls-'));
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) =>
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const ca = (name: string) => {
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.pem`),
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    );
  };
  const leaf = (name: string, caName: string, ext: string) => {
    openssl(
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      f(`${name}.key`),
      '-out',
      f(`${name}.csr`),
    );
    writeFileSync(f(`${name}.ext`), ext);
    openssl(
      'x509',
      '-req',
      '-in',
      f(`${name}.csr`),
      '-CA',
      f(`${caName}.pem`),
      '-CAkey',
      f(`${caName}.key`),
      '-CAcreateserial',
      '-days',
      '2',
      '-out',
      f(`${name}.pem`),
      '-extfile',
      f(`${name}.ext`),
    );
  };
  ca('ca');
  ca('stranger-ca');
  leaf(
    'server',
    'ca',
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${TLS_SERVER_NAME},IP:127.0.0.1\n`,
  );
  leaf('client', 'ca', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
  leaf(
    'stranger',
    'stranger-ca',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
  );
  return {
    dir,
    caCert: f('ca.pem'),
    serverCert: f('server.pem'),
    serverKey: f('server.key'),
    clientCert: f('client.pem'),
    clientKey: f('client.key'),
    strangerCert: f('stranger.pem'),
    strangerKey: f('stranger.key'),
  };
}

export interface TlsProxy {
  address: string;
  /** Client certificates' subjects of the connections the proxy accepted. */
  acceptedClients: string[];
  close(): Promise<void>;
}

export async function startTlsProxy(target: string, files: ReturnType<typeof makeCertificates>): Promise<TlsProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<Socket>();
  const acceptedClients: string[] = [];
  const server = createServer(
    {
      key: readFileSync(files.serverKey),
      cert: readFileSync(files.serverCert),
      ca: readFileSync(files.caCert),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (tlsSocket: TLSSocket) => {
      acceptedClients.push(String(tlsSocket.getPeerCertificate().subject?.CN));
      const upstream = connect(port, host);
      for (const s of [tlsSocket, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {
          tlsSocket.destroy();
          upstream.destroy();
        });
      }
      tlsSocket.pipe(upstream).pipe(tlsSocket);
    },
  );
  server.on('tlsClientError', () => undefined);
  const listenPort = await freePort();
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  return {
    address: `127.0.0.1:${listenPort}`,
    acceptedClients,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
