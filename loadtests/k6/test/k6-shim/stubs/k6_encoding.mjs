// k6/encoding: strings are encoded as their UTF-8 bytes; 'rawurl' = unpadded base64url.
export function b64encode(input, encoding = 'std') {
  const buf = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
  switch (encoding) {
    case 'std': return buf.toString('base64');
    case 'rawstd': return buf.toString('base64').replace(/=+$/, '');
    case 'url': return buf.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
    case 'rawurl': return buf.toString('base64url');
    default: throw new Error(`k6/encoding stub: unsupported encoding ${encoding}`);
  }
}
export function b64decode(input, encoding = 'std', format) {
  const buf = Buffer.from(input, encoding.includes('url') ? 'base64url' : 'base64');
  return format === 's' ? buf.toString('utf8') : buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length);
}
export default { b64encode, b64decode };
