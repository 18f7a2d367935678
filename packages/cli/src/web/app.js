// The zk console page: Preact + htm (vendored, no build step, nothing from a CDN).
import { parentOf } from './api.js';
import { html, render, useEffect, useState } from './html.js';
import { NodeView } from './node.js';
import { Tree } from './tree.js';
import { EnsembleView } from './views.js';

/** The node path in the URL (`#/a/b`); '/' when none. Never throws on a malformed URL. */
function pathFromHash() {
  let raw = location.hash.replace(/^#/, '');
  try {
    raw = decodeURIComponent(raw);
  } catch {
    // a malformed escape: shown as typed, the server says what is wrong with it
  }
  return raw === '' ? '/' : raw;
}

/**
 * The live channel: Server-Sent Events from the console's server. EventSource reconnects
 * by itself; while it is down the page says SUSPENDED (it cannot know more), and every
 * view reloads when it is back.
 */
function useLive() {
  const [live, setLive] = useState({ channel: 'connecting', state: 'SUSPENDED', stale: true, allowWrites: false, hosts: '', tick: { seq: 0, at: 0, paths: new Set(), all: true } });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    const source = new EventSource('/api/events');
    const bump = (paths, all = false) => setLive((l) => ({ ...l, tick: { seq: l.tick.seq + 1, at: Date.now(), paths, all } }));
    source.addEventListener('hello', (e) => {
      setLive((l) => ({ ...l, ...JSON.parse(e.data), channel: 'open' }));
      bump(new Set(), true);
    });
    source.addEventListener('state', (e) => setLive((l) => ({ ...l, ...JSON.parse(e.data) })));
    source.addEventListener('stale', () => setLive((l) => ({ ...l, stale: true })));
    source.addEventListener('resynced', () => {
      setLive((l) => ({ ...l, stale: false }));
      bump(new Set(), true);
    });
    source.addEventListener('changes', (e) => {
      const paths = new Set();
      for (const c of JSON.parse(e.data).changes) {
        paths.add(c.path);
        paths.add(parentOf(c.path));
        paths.add(parentOf(parentOf(c.path)));
      }
      bump(paths);
    });
    let retry;
    source.onerror = () => {
      setLive((l) => ({ ...l, channel: 'down' }));
      // EventSource retries a broken stream by itself, but gives up on an HTTP error: then start over.
      if (source.readyState === EventSource.CLOSED) retry = setTimeout(() => setGeneration((g) => g + 1), 2000);
    };
    return () => {
      clearTimeout(retry);
      source.close();
    };
  }, [generation]);
  return live;
}

function StateBadge({ live }) {
  const state = live.channel === 'open' ? live.state : 'SUSPENDED';
  const why = live.channel === 'down' ? ' — the console server does not answer; retrying' : live.stale && state === 'CONNECTED' ? ' — reloading the tree' : '';
  return html`<span class="badge state-${state}" id="conn-state" title="connection of the console to ZooKeeper">${state}</span><span class="why">${why}</span>`;
}

function App() {
  const live = useLive();
  const [selected, setSelected] = useState(pathFromHash());
  useEffect(() => {
    const onHash = () => setSelected(pathFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);
  const select = (path) => {
    location.hash = encodeURI(path); // '%' and spaces in names survive the round trip
  };
  return html`
    <header>
      <strong>zk ui</strong>
      <span class="hosts">${live.hosts}</span>
      <${StateBadge} live=${live} />
      <span class="badge mode" id="mode">${live.allowWrites ? 'writes allowed' : 'read-only'}</span>
    </header>
    <main>
      <nav class="tree" aria-label="znodes">
        <ul class="children"><${Tree} path="/" name="/" depth=${0} selected=${selected} select=${select} tick=${live.tick} open=${true} /></ul>
      </nav>
      <section class="detail">
        <${NodeView} path=${selected} tick=${live.tick} allowWrites=${live.allowWrites} select=${select} />
        <${EnsembleView} tick=${live.tick} />
      </section>
    </main>`;
}

render(html`<${App} />`, document.getElementById('root'));
