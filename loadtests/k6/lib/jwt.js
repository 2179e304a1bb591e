// HS256 JWT assembly with the crypto injected, so node tests the exact same code that k6 runs.
// k6 binds it to k6/crypto + k6/encoding in auth.js; test/selftest.mjs binds it to node:crypto.
// Tokens are credentials: nothing here logs them, and callers must not either.

const HEADER = { alg: 'HS256', typ: 'JWT' };

/**
 * @typedef {{ iss: string, aud: string, sub: string, scope?: string, iat: number, nbf: number, exp: number,
 *   [claim: string]: string | number | undefined }} JwtClaims
 */

/**
 * Claims the gateway validates (SPEC §3): iss, aud, exp, nbf, plus the configurable tenant claim.
 * nbf/iat are backdated by notBeforeSkewSeconds so a load generator whose clock runs slightly
 * ahead of the gateway does not mint tokens that are "not yet valid".
 * @param {{ issuer: string, audience: string, subject: string, tenantClaim?: string, tenantId?: string, scope?: string,
 *   lifetimeSeconds: number, nowSeconds: number, notBeforeSkewSeconds?: number }} spec
 * @returns {JwtClaims}
 */
export function buildClaims({
  issuer,
  audience,
  subject,
  tenantClaim = 'tenant_id',
  tenantId,
  scope,
  lifetimeSeconds,
  nowSeconds,
  notBeforeSkewSeconds = 0,
}) {
  if (!issuer || !audience || !subject) throw new Error('jwt: issuer, audience and subject are required');
  if (!(lifetimeSeconds > 0)) throw new Error('jwt: lifetimeSeconds must be > 0');
  const now = Math.floor(nowSeconds);
  const issuedAt = now - notBeforeSkewSeconds;
  // Claim order is the JSON order, which the known-answer token in test/selftest.mjs pins.
  return {
    iss: issuer,
    aud: audience,
    sub: subject,
    ...(tenantId ? { [tenantClaim]: tenantId } : {}),
    ...(scope ? { scope } : {}),
    iat: issuedAt,
    nbf: issuedAt,
    exp: now + lifetimeSeconds,
  };
}

/**
 * deps.b64UrlEncode(text)              -> unpadded base64url of the UTF-8 bytes of text
 * deps.hmacSha256B64Url(key, message)  -> unpadded base64url HMAC-SHA256 of UTF-8 message, UTF-8 key
 * @param {{ b64UrlEncode: (text: string) => string, hmacSha256B64Url: (key: string, message: string) => string }} deps
 */
export function createJwtSigner(deps) {
  if (typeof deps?.b64UrlEncode !== 'function' || typeof deps?.hmacSha256B64Url !== 'function') {
    throw new Error('jwt: createJwtSigner needs b64UrlEncode and hmacSha256B64Url functions');
  }
  return {
    /**
     * Returns header.payload.signature for the given claims object.
     * @param {JwtClaims} claims
     * @param {string} signingKey
     * @returns {string}
     */
    sign(claims, signingKey) {
      if (!signingKey) throw new Error('jwt: empty signing key (set jwt.signingKey, JWT_SIGNING_KEY or TOKEN_* env)');
      const signingInput = `${deps.b64UrlEncode(JSON.stringify(HEADER))}.${deps.b64UrlEncode(JSON.stringify(claims))}`;
      return `${signingInput}.${deps.hmacSha256B64Url(signingKey, signingInput)}`;
    },
  };
}
