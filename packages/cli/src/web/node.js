// The opened node: its data (text, pretty JSON or hex), stat in words, ACL, recipe view and,
// with --allow-writes, create / edit (at the version read) / delete / export / import.
import { getJson, join, parentOf, postJson, q } from './api.js';
import { html, useEffect, useRef, useState } from './html.js';
import { RecipeView } from './views.js';

function bytesOf(node) {
  return Uint8Array.from(atob(node.base64), (c) => c.charCodeAt(0));
}

/** A hex dump: offset, 16 bytes, their ASCII. */
function hexDump(bytes) {
  const lines = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const row = [...bytes.subarray(i, i + 16)];
    const hex = row.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = row.map((b) => (b >= 32 && b < 127 ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${i.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  return lines.join('\n');
}

function prettyJson(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return undefined;
  }
}

function DataView({ node }) {
  const json = node.text === null ? undefined : prettyJson(node.text);
  const tabs = node.text === null ? ['hex'] : json === undefined ? ['text', 'hex'] : ['json', 'text', 'hex'];
  const [tab, setTab] = useState(tabs[0]);
  const shown = tabs.includes(tab) ? tab : tabs[0];
  const body = shown === 'hex' ? hexDump(bytesOf(node)) : shown === 'json' ? json : node.text;
  return html`<div class="data">
    <div class="tabs">${tabs.map((t) => html`<button data-tab=${t} class=${t === shown ? 'on' : ''} onClick=${() => setTab(t)}>${t}</button>`)}
      ${node.text === null && html`<span class="note">binary data (${node.stat.dataLength} bytes)</span>`}</div>
    <pre id="node-data" data-view=${shown}>${body === '' ? html`<span class="empty">(no data)</span>` : body}</pre>
  </div>`;
}

const STAT_WORDS = [
  ['created', 'Created'], ['modified', 'Last modified'], ['dataVersion', 'Data version'], ['childrenVersion', 'Children version'],
  ['aclVersion', 'ACL version'], ['ephemeralOwner', 'Ephemeral owner (session)'], ['dataLength', 'Data length (bytes)'],
  ['numChildren', 'Children'], ['createdZxid', 'Created at zxid'], ['modifiedZxid', 'Modified at zxid'], ['childrenZxid', 'Children changed at zxid'],
];

function StatView({ stat }) {
  const value = (k) => (k === 'ephemeralOwner' ? stat[k] ?? 'none (persistent)' : k === 'created' || k === 'modified' ? new Date(stat[k]).toLocaleString() : stat[k]);
  return html`<table class="stat">${STAT_WORDS.map(([k, label]) => html`<tr><th>${label}</th><td data-stat=${k}>${value(k)}</td></tr>`)}</table>`;
}

function AclView({ acl }) {
  return html`<table class="acl"><tr><th>scheme</th><th>id</th><th>perms (cdrwa)</th></tr>
    ${acl.map((a) => html`<tr><td>${a.scheme}</td><td>${a.id}</td><td class="perms">${a.perms}</td></tr>`)}</table>`;
}

/** Create / edit / delete / export / import: only rendered with --allow-writes. */
function Writes({ node, reload, select, say }) {
  const [editing, setEditing] = useState(undefined);
  const [confirming, setConfirming] = useState(undefined);
  const [child, setChild] = useState({ name: '', data: '' });
  // Resolves true when the write was done; a refusal is shown and keeps what the user typed.
  // A message belongs to the node it is shown on (`at`): after a delete, the parent the page moves to.
  const act = (work, after, at = node.path) => work.then((r) => { say({ ok: true, text: after(r), at }); void reload(); return true; }, (e) => { say({ ok: false, text: e.message, at: node.path }); return false; });
  const save = () => act(postJson('/api/set', { path: node.path, data: editing.text, version: editing.version }), (r) => `saved ${node.path} (now version ${r.version})`).then((ok) => ok && setEditing(undefined));
  const remove = (recursive) => act(postJson('/api/delete', { path: node.path, version: node.version, recursive }), () => `deleted ${node.path}`, parentOf(node.path)).then((ok) => { setConfirming(undefined); if (ok) select(parentOf(node.path)); });
  const create = () => act(postJson('/api/create', { path: join(node.path, child.name), data: child.data }), (r) => `created ${r.created}`);
  const importFile = (file) => file.text().then((text) => act(postJson('/api/import', { text, under: node.path }), (r) => `imported into ${r.root}: created ${r.created}, updated ${r.updated}, unchanged ${r.unchanged}`));
  return html`<div class="writes">
    ${editing === undefined
      ? html`<button id="edit" disabled=${node.text === null} onClick=${() => setEditing({ text: node.text, version: node.version })}>Edit</button>`
      : html`<div class="editor"><textarea id="editor" value=${editing.text} onInput=${(e) => setEditing({ ...editing, text: e.target.value })}></textarea>
          <button id="save" onClick=${save}>Save (at version ${editing.version})</button><button onClick=${() => setEditing(undefined)}>Cancel</button></div>`}
    ${node.path !== '/' && (confirming === undefined
      ? html`<button id="delete" onClick=${() => setConfirming(false)}>Delete…</button><button id="delete-recursive" onClick=${() => setConfirming(true)}>Delete with children…</button>`
      : html`<span class="confirm">Really delete ${node.path}${confirming ? ` and all ${node.stat.numChildren ? 'its descendants' : 'below it'}` : ''}?
          <button id="confirm-delete" onClick=${() => remove(confirming)}>Yes, delete</button><button onClick=${() => setConfirming(undefined)}>No</button></span>`)}
    <div class="create"><input id="child-name" placeholder="new child name" value=${child.name} onInput=${(e) => setChild({ ...child, name: e.target.value })} />
      <input id="child-data" placeholder="data (text)" value=${child.data} onInput=${(e) => setChild({ ...child, data: e.target.value })} />
      <button id="create" disabled=${child.name === ''} onClick=${create}>Create child</button></div>
    <label class="import">Import a dump under this node: <input id="import" type="file" accept=".zkdump,.ndjson,.jsonl,.txt" onChange=${(e) => e.target.files[0] && importFile(e.target.files[0])} /></label>
  </div>`;
}

export function NodeView({ path, tick, allowWrites, select }) {
  const [node, setNode] = useState(undefined);
  const [error, setError] = useState(undefined);
  const [message, say] = useState(undefined);
  const current = useRef(path);
  current.current = path;
  // An answer for a node no longer shown (the user moved on meanwhile) is dropped.
  const reload = () => getJson(`/api/node${q(path)}`).then(
    (n) => { if (current.current === path) { setNode(n); setError(undefined); } },
    (e) => { if (current.current === path) { setNode(undefined); setError(e.status === 404 ? `No node ${path} (it does not exist, or no longer does)` : e.message); } },
  );
  useEffect(() => void reload(), [path]);
  useEffect(() => { if (tick.all || tick.paths.has(path)) void reload(); }, [tick.seq]);
  return html`<div class="node-view">
    <h2 id="node-path">${path}</h2>
    ${message?.at === path && html`<div id="message" class=${message.ok ? 'ok' : 'refused'}>${message.text}</div>`}
    ${error && html`<div id="node-error" class="refused">${error}</div>`}
    ${node && html`
      ${node.recipe && html`<${RecipeView} path=${path} kind=${node.recipe} tick=${tick} />`}
      <${DataView} key=${node.path} node=${node} />
      ${allowWrites ? html`<${Writes} key=${node.path} node=${node} reload=${reload} select=${select} say=${say} />` : html`<p class="note" id="read-only-note">Read-only console: start it with <code>zk ui --allow-writes</code> to change data.</p>`}
      <a id="export" href=${`/api/export${q(path)}`} download>Export this subtree (zk dump format)</a>
      <h3>Stat</h3><${StatView} stat=${node.stat} />
      <h3>ACL</h3><${AclView} acl=${node.acl} />`}
  </div>`;
}
