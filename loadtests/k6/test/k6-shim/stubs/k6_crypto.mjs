import { createHmac } from 'node:crypto';

const encode = (buf, enc) => {
  switch (enc) {
    case 'hex': return buf.toString('hex');
    case 'base64': return buf.toString('base64');
    case 'base64url': return buf.toString('base64url') + '='.repeat((4 - (buf.toString('base64url').length % 4)) % 4);
    case 'base64rawurl': return buf.toString('base64url');
    case 'binary': return Array.from(buf);
    default: throw new Error(`k6/crypto stub: unsupported output encoding ${enc}`);
  }
};
const ALGS = { sha256: 'sha256', sha384: 'sha384', sha512: 'sha512', sha1: 'sha1', md5: 'md5' };

export function hmac(algorithm, secret, data, outputEncoding) {
  if (!ALGS[algorithm]) throw new Error(`k6/crypto stub: unsupported algorithm ${algorithm}`);
  return encode(createHmac(ALGS[algorithm], Buffer.from(secret, 'utf8')).update(Buffer.from(data, 'utf8')).digest(), outputEncoding);
}
export default { hmac };
