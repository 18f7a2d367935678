// The lazy, live tree: a node's children are fetched when it is opened, one page (100) at a
// time, and fetched again when a change under it arrives on the live channel.
import { getJson, q } from './api.js';
import { html, useEffect, useState } from './html.js';

const PAGE = 100;
/** How long a changed row stays highlighted (ms). */
const FLASH_MS = 1500;
/** A change this recent still flashes a row that mounts now (its listing was being fetched). */
const RECENT_MS = 5000;

/** True for a moment after a change of this node arrived (also for a row that a change just added). */
function useFlash(path, tick) {
  const [flash, setFlash] = useState(false);
  useEffect(() => {
    if (tick.all || !tick.paths.has(path) || Date.now() - tick.at > RECENT_MS) return undefined;
    setFlash(true);
    const t = setTimeout(() => setFlash(false), FLASH_MS);
    return () => clearTimeout(t);
  }, [tick.seq]);
  return flash;
}

function Pager({ page, setOffset }) {
  if (page.total <= page.limit) return null;
  const last = Math.min(page.offset + page.limit, page.total);
  return html`<div class="pager">
    <button class="prev" disabled=${page.offset === 0} onClick=${() => setOffset(Math.max(0, page.offset - PAGE))}>‹ prev</button>
    <span class="range">${page.offset + 1}–${last} of ${page.total}</span>
    <button class="next" disabled=${last >= page.total} onClick=${() => setOffset(page.offset + PAGE)}>next ›</button>
  </div>`;
}

function Children({ path, depth, selected, select, tick }) {
  const [page, setPage] = useState(undefined);
  const [offset, setOffset] = useState(0);
  const [error, setError] = useState(undefined);
  const load = () =>
    getJson(`/api/children${q(path, { offset: String(offset), limit: String(PAGE) })}`).then(
      (p) => {
        setPage(p);
        setError(undefined);
        if (p.offset >= p.total && p.offset > 0) setOffset(Math.max(0, p.total - (p.total % PAGE || PAGE)));
      },
      (e) => setError(e.message),
    );
  useEffect(() => void load(), [path, offset]);
  useEffect(() => {
    if (tick.all || tick.paths.has(path)) void load();
  }, [tick.seq]);
  if (error) return html`<div class="tree-error">${error}</div>`;
  if (!page) return html`<div class="tree-loading">…</div>`;
  return html`<ul class="children" data-children-of=${path}>
    ${page.children.map((c) => html`<${Tree} key=${c.path} path=${c.path} name=${c.name} count=${c.children} owner=${c.ephemeralOwner} depth=${depth + 1} selected=${selected} select=${select} tick=${tick} />`)}
    <${Pager} page=${page} setOffset=${setOffset} />
  </ul>`;
}

/** One row of the tree (and, when open, its children). */
export function Tree({ path, name, count, owner, depth, selected, select, tick, open: initiallyOpen = false }) {
  const above = (p) => p !== path && p.startsWith(path === '/' ? '/' : `${path}/`);
  const [open, setOpen] = useState(initiallyOpen || above(selected));
  // The node in the URL is shown in the tree: its ancestors open.
  useEffect(() => {
    if (above(selected)) setOpen(true);
  }, [selected]);
  const flash = useFlash(path, tick);
  const hasChildren = count === undefined || count > 0;
  return html`<li class=${`node${flash ? ' flash' : ''}${selected === path ? ' selected' : ''}`} data-path=${path}>
    <div class="row">
      <button class="toggle" aria-label=${open ? 'collapse' : 'expand'} disabled=${!hasChildren} onClick=${() => setOpen(!open)}>${hasChildren ? (open ? '▾' : '▸') : '·'}</button>
      <a class="name" href=${`#${encodeURI(path)}`} onClick=${(e) => { e.preventDefault(); select(path); }}>${name}</a>
      ${count > 0 && html`<span class="count" title="children">${count}</span>`}
      ${owner && html`<span class="ephemeral" title="ephemeral node of session ${owner}">ephemeral ${owner}</span>`}
    </div>
    ${open && hasChildren && html`<${Children} path=${path} depth=${depth} selected=${selected} select=${select} tick=${tick} />`}
  </li>`;
}
