// Requests to the console's own server. Writes carry the run's token (from the page's meta tag).
const token = document.querySelector('meta[name="zk-token"]')?.getAttribute('content') ?? '';

/** GET a JSON endpoint; rejects with the server's error sentence. */
export async function getJson(url) {
  const res = await fetch(url, { headers: { Accept: 'application/json' } });
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw Object.assign(new Error(body.error ?? `HTTP ${res.status}`), { status: res.status });
  return body;
}

/** POST a write; rejects with the server's error sentence (a refusal is never silent). */
export async function postJson(url, body) {
  const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Zk-Token': token }, body: JSON.stringify(body) });
  const answer = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw Object.assign(new Error(answer.error ?? `HTTP ${res.status}`), { status: res.status });
  return answer;
}

/** `?path=…` for a znode path. */
export const q = (path, extra = {}) => '?' + new URLSearchParams({ path, ...extra }).toString();

/** The parent of a znode path ('/' for top-level nodes). */
export function parentOf(path) {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** A child's path. */
export const join = (parent, name) => (parent === '/' ? `/${name}` : `${parent}/${name}`);
