// Bearer tokens for the load test: minted in k6 (HS256 via k6/crypto) or taken from the env.
// TOKEN_<TENANT> (e.g. TOKEN_T01) and ADMIN_TOKEN let a run use tokens an identity provider minted,
// which is the only option against RS256/ES256 deployments. Tokens are never logged.

import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import { envSuffix } from './config-core.js';
import { buildClaims, createJwtSigner } from './jwt.js';

/** @import { Config } from './types.js' */

const signer = createJwtSigner({
  b64UrlEncode: (text) => encoding.b64encode(text, 'rawurl'),
  hmacSha256B64Url: (key, message) => crypto.hmac('sha256', key, message, 'base64rawurl'),
});

/** Re-mint this long before exp, so a long (DURATION_SCALE) run never sends an expired token. */
const REMINT_BEFORE_EXPIRY_SECONDS = 60;

// Module state is per VU: every k6 VU has its own JavaScript runtime.
/** @type {Record<string, { token: string, exp: number }>} */
const minted = {};

/**
 * @param {Config} cfg
 * @param {string} cacheKey
 * @param {{ subject: string, tenantId?: string, scope?: string }} who
 * @returns {string}
 */
function mint(cfg, cacheKey, { subject, tenantId, scope }) {
  const now = Date.now() / 1000;
  const cached = minted[cacheKey];
  if (cached && cached.exp - now > REMINT_BEFORE_EXPIRY_SECONDS) return cached.token;
  const claims = buildClaims({
    issuer: cfg.jwt.issuer,
    audience: cfg.jwt.audience,
    subject,
    tenantClaim: cfg.jwt.tenantClaim,
    tenantId,
    scope,
    lifetimeSeconds: cfg.jwt.lifetimeSeconds,
    nowSeconds: now,
    notBeforeSkewSeconds: cfg.jwt.notBeforeSkewSeconds,
  });
  const token = signer.sign(claims, cfg.jwt.signingKey);
  minted[cacheKey] = { token, exp: claims.exp };
  return token;
}

/**
 * @param {Config} cfg
 * @param {string} tenantId
 * @returns {string}
 */
export function tenantToken(cfg, tenantId) {
  const external = __ENV[`TOKEN_${envSuffix(tenantId)}`];
  if (external) return external;
  return mint(cfg, `tenant:${tenantId}`, { subject: `${cfg.jwt.subjectPrefix}${tenantId}`, tenantId });
}

/**
 * @param {Config} cfg
 * @returns {string}
 */
export function adminToken(cfg) {
  if (__ENV.ADMIN_TOKEN) return __ENV.ADMIN_TOKEN;
  return mint(cfg, 'admin', {
    subject: cfg.jwt.adminSubject,
    tenantId: cfg.jwt.adminTenantId || undefined,
    scope: cfg.jwt.adminScope,
  });
}
