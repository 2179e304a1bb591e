// Import hygiene for the k6 scripts: k6 runs them without node_modules, so they may import only
// k6 built-ins and local files; the pure modules (shared with node tests) may not import k6 at all.
// usage: node lint-imports.mjs <loadtests/k6 dir>

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(process.argv[2] || new URL('..', import.meta.url).pathname);
const K6_BUILTINS = new Set(['k6', 'k6/http', 'k6/metrics', 'k6/crypto', 'k6/encoding', 'k6/execution']);
const PURE = new Set([
  'lib/zipf.js', 'lib/jwt.js', 'lib/scenario-file.js', 'lib/config-core.js', 'lib/load-shape.js', 'lib/thresholds.js', 'lib/summary.js',
]);

const files = [
  ...readdirSync(root).filter((f) => f.endsWith('.js')),
  ...readdirSync(join(root, 'lib')).filter((f) => f.endsWith('.js')).map((f) => `lib/${f}`),
];
const problems = [];
const IMPORT = /(?:^|[\s;])import\s+(?:[\w*{}\s,]+?\s+from\s+)?['"]([^'"]+)['"]/g;
for (const file of files) {
  const source = readFileSync(join(root, file), 'utf8');
  if (/(?<![.\w$])require\s*\(\s*['\"`]/.test(source)) problems.push(`${file}: uses require(); k6 scripts here are ES modules`);
  if (/(?<![.\w$])import\s*\(/.test(source)) problems.push(`${file}: dynamic import() is not allowed in k6 init code`);
  for (const match of source.matchAll(IMPORT)) {
    const spec = match[1];
    if (spec.startsWith('./') || spec.startsWith('../')) {
      const target = resolve(dirname(join(root, file)), spec);
      if (!existsSync(target)) problems.push(`${file}: imports missing file ${spec}`);
      else if (relative(root, target).startsWith('..')) problems.push(`${file}: imports ${spec} outside loadtests/k6`);
      if (relative(root, target).startsWith('test/')) problems.push(`${file}: imports test code ${spec}`);
    } else if (!K6_BUILTINS.has(spec)) {
      problems.push(`${file}: imports "${spec}"; only k6 built-ins (${[...K6_BUILTINS].join(', ')}) and local files are allowed`);
    } else if (PURE.has(file)) {
      problems.push(`${file}: pure module imports "${spec}"; keep k6 out so node can test it`);
    }
  }
}
if (problems.length) {
  console.error(`import lint: ${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
  process.exit(1);
}
console.log(`import lint: ${files.length} files import only k6 built-ins and local modules; pure modules are k6-free`);
