// Recipe views (decoded by the CLI's inspectors on the server) and the ensemble view.
import { getJson, q } from './api.js';
import { html, useEffect, useState } from './html.js';

const ago = (ms) => (ms < 1000 ? 'just now' : ms < 60_000 ? `${Math.round(ms / 1000)} s` : ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`);

const COLUMNS = {
  lock: [['position', '#'], ['state', 'state'], ['identifier', 'identifier'], ['token', 'fencing token (czxid)'], ['session', 'session'], ['waiting', 'waiting / holding for'], ['kind', 'kind'], ['naming', 'layout'], ['node', 'node']],
  election: [['position', '#'], ['state', 'role'], ['identifier', 'identifier'], ['token', 'token (czxid)'], ['session', 'session'], ['waiting', 'candidate for'], ['naming', 'layout'], ['node', 'node']],
  queue: [['position', '#'], ['state', 'state'], ['items', 'item'], ['takenBy', 'taken by'], ['priority', 'priority'], ['layout', 'layout'], ['node', 'node']],
  services: [['name', 'service'], ['id', 'id'], ['address', 'address'], ['port', 'port'], ['sslPort', 'ssl port'], ['payload', 'payload'], ['session', 'session'], ['registered', 'registered']],
};
const TITLES = { lock: 'Lock queue (holder first)', election: 'Election: leader and candidates', queue: 'Queue', services: 'Discovery: services and instances' };

function cell(row, key, now) {
  if (key === 'waiting') return row.since === null ? '' : ago(now - row.since);
  if (key === 'items') return row.items.join(' | ');
  if (key === 'payload') return row.payload === null ? '' : JSON.stringify(row.payload);
  if (key === 'id' && row.enabled === false) return `${row.id} (disabled)`;
  return row[key] ?? '';
}

function summary(kind, rows) {
  if (kind === 'queue') return `depth ${rows.length}, in flight ${rows.filter((r) => r.state === 'taken').length}`;
  if (kind === 'lock' && rows[0]?.layout) return `${rows[0].layout}: ${rows.filter((r) => r.state === 'HOLDS').length} lease(s) held${rows[0].maxLeases === null ? '' : ` of ${rows[0].maxLeases}`}; ${rows.filter((r) => r.state !== 'HOLDS').length} waiting`;
  if (kind === 'lock') return rows.length === 0 ? 'free' : `held by ${rows.filter((r) => r.state === 'HOLDS').map((r) => r.identifier || r.node).join(', ')}; ${rows.filter((r) => r.state !== 'HOLDS').length} waiting`;
  if (kind === 'election') return rows.length === 0 ? 'no candidates' : `leader: ${rows[0].identifier || rows[0].node}`;
  return `${rows.length} instances`;
}

/** A recipe's live table: re-read whenever the recipe's children change. */
export function RecipeView({ path, kind: detected, tick }) {
  const [kind, setKind] = useState(detected);
  const [view, setView] = useState(undefined);
  const [error, setError] = useState(undefined);
  const load = () => getJson(`/api/recipe${q(path, { kind })}`).then((v) => { setView(v); setError(undefined); }, (e) => setError(e.message));
  useEffect(() => setKind(detected), [path, detected]);
  useEffect(() => void load(), [path, kind]);
  useEffect(() => { if (tick.all || [...tick.paths].some((p) => p === path || p.startsWith(`${path}/`))) void load(); }, [tick.seq]);
  return html`<div class="recipe" id="recipe" data-kind=${kind}>
    <h3>${TITLES[kind]} <select value=${kind} onChange=${(e) => setKind(e.target.value)} aria-label="view as">
      ${Object.keys(TITLES).map((k) => html`<option value=${k}>${k}</option>`)}</select></h3>
    ${error && html`<div class="refused">${error}</div>`}
    ${view && view.kind === kind && html`<p class="summary" id="recipe-summary">${summary(kind, view.rows)}</p>
      <table><tr>${COLUMNS[kind].map(([, label]) => html`<th>${label}</th>`)}</tr>
        ${view.rows.map((r) => html`<tr data-node=${r.node ?? r.id} class=${r.state === 'HOLDS' || r.state === 'LEADER' ? 'holder' : ''}>
          ${COLUMNS[kind].map(([k]) => html`<td class=${k}>${cell(r, k, view.now)}</td>`)}</tr>`)}
      </table>`}
  </div>`;
}

/** Each member's mode, zxid, connections and latency (four-letter words, every 5 s). */
export function EnsembleView({ tick }) {
  const [members, setMembers] = useState(undefined);
  const [error, setError] = useState(undefined);
  useEffect(() => {
    let stopped = false;
    const load = () => getJson('/api/ensemble').then((r) => !stopped && (setMembers(r.members), setError(undefined)), (e) => !stopped && setError(e.message));
    void load();
    const t = setInterval(() => void load(), 5000);
    return () => { stopped = true; clearInterval(t); };
  }, [tick.all ? tick.seq : 0]);
  return html`<div class="ensemble" id="ensemble"><h3>Ensemble</h3>
    ${error && html`<div class="refused">${error}</div>`}
    ${members && html`<table><tr><th>server</th><th>mode</th><th>zxid</th><th>connections</th><th>latency min/avg/max (ms)</th><th>znodes</th><th>note</th></tr>
      ${members.map((m) => html`<tr data-server=${m.server}><td>${m.server}</td><td class="mode">${m.mode ?? '?'}</td><td>${m.zxid ?? ''}</td><td>${m.connections ?? ''}</td><td>${m.latency ?? ''}</td><td>${m.nodes ?? ''}</td>
        <td>${m.error ? `unreachable: ${m.error}` : m.refused.length > 0 ? `${m.refused.join(', ')} not allowed (4lw.commands.whitelist)` : ''}</td></tr>`)}</table>`}
  </div>`;
}
