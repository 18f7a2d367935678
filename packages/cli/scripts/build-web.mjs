// Copies the console's page (src/web/) into dist/web and vendors its libraries from
// node_modules (Preact, its hooks, htm): the package ships everything the page loads.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = path.resolve(import.meta.dirname, '..');
const out = path.join(pkg, 'dist/web');
mkdirSync(path.join(out, 'vendor'), { recursive: true });
const src = path.join(pkg, 'src/web');
for (const name of readdirSync(src)) copyFileSync(path.join(src, name), path.join(out, name));
// The packages' browser builds (ES modules). hooks.mjs imports the bare name "preact": pointed
// at the file beside it (an import map would be an inline script, which the page's CSP forbids).
const vendor = { 'preact.mjs': 'preact', 'hooks.mjs': 'preact/hooks', 'htm.mjs': 'htm' };
for (const [name, specifier] of Object.entries(vendor)) {
  const text = readFileSync(fileURLToPath(import.meta.resolve(specifier)), 'utf8').replace(/from\s*"preact"/g, 'from"./preact.mjs"');
  if (/from\s*"preact/.test(text)) throw new Error(`${name}: an import of preact left unresolved`);
  writeFileSync(path.join(out, 'vendor', name), text);
}
