import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate } from 'node:tls';

/** The one spelling compared: upper-case pairs joined by colons, as Node reports `fingerprint256`. */
export function normalizeFingerprint(fingerprint: string): string {
  const hex = fingerprint.replaceAll(':', '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) throw new Error(`edge.server.caFingerprint: ${JSON.stringify(fingerprint)} is not a SHA-256 fingerprint`);
  return hex.match(/../g)!.join(':');
}

/**
 * Why the broker's certificate chain is refused, or null when it holds the pinned certificate:
 * either the broker's own certificate, or a CA certificate that signed it (directly or through
 * the intermediates the broker sent). A CA certificate is public, so its presence in the chain
 * alone proves nothing: each link's signature is checked up to the pinned one.
 */
export function pinProblem(leaf: DetailedPeerCertificate, pinned: string): string | null {
  const want = normalizeFingerprint(pinned);
  if (!leaf.raw) return 'the broker sent no certificate';
  let cert = leaf;
  let x509 = new X509Certificate(cert.raw);
  if (x509.fingerprint256 === want) return null;
  const seen = new Set<string>([x509.fingerprint256]);
  for (;;) {
    const issuer = cert.issuerCertificate as DetailedPeerCertificate | undefined;
    if (!issuer?.raw) break;
    const issuerX509 = new X509Certificate(issuer.raw);
    if (seen.has(issuerX509.fingerprint256)) break;
    seen.add(issuerX509.fingerprint256);
    if (!x509.checkIssued(issuerX509) || !x509.verify(issuerX509.publicKey)) break;
    if (issuerX509.fingerprint256 === want) return null;
    cert = issuer;
    x509 = issuerX509;
  }
  const got = new X509Certificate(leaf.raw).fingerprint256;
  return `the broker's certificate (sha256 ${got}) is not the pinned one and not signed by it (edge.server.caFingerprint ${want})`;
}
