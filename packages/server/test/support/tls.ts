/**
 * A throwaway self-signed certificate for TLS tests, made with openssl at
 * test time (test-only: never used outside the test run).
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface KeyPair {
  key: Buffer;
  cert: Buffer;
  keyFile: string;
  certFile: string;
  /** Removes the files. */
  dispose(): void;
}

export function makeCertificate(): KeyPair {
  const dir = mkdtempSync(join(tmpdir(), 'spdy-server-test-'));
  const keyFile = join(dir, 'key.pem');
  const certFile = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  return {
    key: readFileSync(keyFile),
    cert: readFileSync(certFile),
    keyFile,
    certFile,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
