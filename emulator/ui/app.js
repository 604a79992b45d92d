// The emulator's web UI: plain browser JavaScript, no build step. Everything it shows or does
// goes through the control plane, addressing the chosen app by the `x-emulator-tenant` header, so
// it never learns an API key. It calls each route by its id (`operationId`) in the control plane's
// own description, `/__emulator/openapi.json`, which gives the method and path.
const $ = (selector) => document.querySelector(selector);
const TABS = ['profiles', 'requests', 'webhooks', 'faults', 'clock', 'snapshot'];
const POLL_MS = 1000;
const LIST_LIMIT = 200;

let tenant = null;

/** Builds an element; children are nodes or text (never parsed as HTML). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'onclick') node.addEventListener('click', value);
    else if (value !== undefined && value !== null && value !== false)
      node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

const shown = new WeakMap();

/** Replaces `node`'s children with `build()` unless `data` is what it shows already, so polling
 * keeps what the user opened (a `<details>`, a selection) while nothing changed. */
function render(node, data, build) {
  const key = JSON.stringify(data);
  if (shown.get(node) === key) return;
  shown.set(node, key);
  node.replaceChildren(...[build()].flat());
}

function showError(message) {
  const box = $('#error');
  box.textContent = message;
  box.hidden = !message;
}

/** The control plane's routes by id (`{method, path}`), from its OpenAPI document: fetched once, again after a failure. */
let routes = null;

function controlRoutes() {
  routes ??= fetch('/__emulator/openapi.json')
    .then(async (response) => {
      if (!response.ok) throw new Error(`GET /__emulator/openapi.json: ${response.status}`);
      const byId = new Map();
      for (const [path, item] of Object.entries((await response.json()).paths)) {
        for (const [method, operation] of Object.entries(item))
          byId.set(operation.operationId, { method: method.toUpperCase(), path });
      }
      return byId;
    })
    .catch((e) => {
      routes = null;
      throw e;
    });
  return routes;
}

/** A route as people write it: `POST /__emulator/chaos`. */
async function routeName(id) {
  const route = (await controlRoutes()).get(id);
  return `${route.method} ${route.path}`;
}

/**
 * Calls the control-plane route `id` for the chosen app (`path`: its path parameters, `query`: its
 * query); answers with the parsed JSON (or null), or the text with `raw`.
 */
async function api(id, { path = {}, query, body, raw = false } = {}) {
  const route = (await controlRoutes()).get(id);
  if (!route) throw new Error(`the control plane has no route ${id}`);
  let url = route.path.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(path[name]));
  if (query) url += `?${new URLSearchParams(query)}`;
  const headers = {};
  if (tenant) headers['x-emulator-tenant'] = tenant;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const text = body === undefined || typeof body === 'string' ? body : JSON.stringify(body);
  const response = await fetch(url, { method: route.method, headers, body: text });
  const answer = await response.text();
  if (!response.ok) {
    let message = answer;
    try {
      message = JSON.parse(answer).error ?? answer;
    } catch {}
    throw new Error(`${route.method} ${url}: ${response.status} ${message}`);
  }
  if (raw) return answer;
  return answer ? JSON.parse(answer) : null;
}

/** Runs an action, showing its failure instead of throwing it. */
async function attempt(action) {
  try {
    await action();
    showError('');
  } catch (e) {
    showError(e.message);
  }
}

const time = (value) =>
  value
    ? String(value)
        .replace('T', ' ')
        .replace(/(\.\d+)?(Z|\+00:00)$/, ' UTC')
    : '';

/** A two-column table of the non-empty fields of `object`. */
function fields(object, keys) {
  const rows = keys
    .filter((k) => object[k] !== undefined && object[k] !== null && object[k] !== '')
    .map((k) =>
      el('tr', {}, el('th', {}, k), el('td', {}, typeof object[k] === 'object' ? JSON.stringify(object[k]) : String(object[k]))),
    );
  return el('table', { class: 'fields' }, el('tbody', {}, rows));
}

/** A table of `items` with the given columns; each cell is `render(item)` or `item[key]`. */
function table(items, columns, empty) {
  if (!items.length) return el('p', { class: 'muted' }, empty);
  return el(
    'table',
    {},
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        columns.map(([title]) => el('th', {}, title)),
      ),
    ),
    el(
      'tbody',
      {},
      items.map((item) =>
        el(
          'tr',
          {},
          columns.map(([, key]) => el('td', {}, typeof key === 'function' ? key(item) : (item[key] ?? ''))),
        ),
      ),
    ),
  );
}

/** A two-column table of a map's entries. */
function entries(map, [keyTitle, valueTitle], empty) {
  const items = Object.entries(map ?? {}).map(([key, value]) => ({ key, value }));
  return table(
    items,
    [
      [keyTitle, 'key'],
      [valueTitle, 'value'],
    ],
    empty,
  );
}

// ---- Apps (tenants) ----

async function loadTenants() {
  const { tenants } = await api('list_tenants');
  const select = $('#tenant');
  const ids = tenants.map((t) => t.id);
  if (!tenant || !ids.includes(tenant)) tenant = (tenants.find((t) => t.id !== 'default') ?? tenants[0]).id;
  const current = [...select.options].map((o) => `${o.value}:${o.textContent}`).join();
  const label = (t) => (t.id === 'default' ? 'default app' : `app ${t.id} (key …${t.key_hint}) · ${t.profiles} profiles`);
  if (current !== tenants.map((t) => `${t.id}:${label(t)}`).join()) {
    select.replaceChildren(...tenants.map((t) => el('option', { value: t.id }, label(t))));
  }
  select.value = tenant;
}

$('#tenant').addEventListener('change', (e) => {
  tenant = e.target.value;
  selectedProfile = null;
  selectedRequest = null;
  attempt(refresh);
});

// ---- Profiles ----

let selectedProfile = null;

async function loadProfiles() {
  const search = $('#profile-search').value.trim();
  const query = { limit: LIST_LIMIT };
  if (search) query.search = search;
  const { profiles, total } = await api('list_profiles', { query });
  $('#profile-count').textContent =
    total > profiles.length
      ? `${total} profiles, the first ${profiles.length} shown`
      : `${total} profile${total === 1 ? '' : 's'}`;
  render($('#profile-list'), [profiles, selectedProfile], () =>
    profiles.map((p) =>
      el(
        'li',
        { 'data-profile-id': p.profile_id, class: p.profile_id === selectedProfile ? 'selected' : undefined },
        el(
          'a',
          {
            href: '#profiles',
            onclick: (e) => {
              e.preventDefault();
              selectProfile(p.profile_id);
            },
          },
          el('strong', {}, p.customer_user_id ?? '(anonymous)'),
          el('br'),
          el('small', {}, p.profile_id),
        ),
      ),
    ),
  );
  if (selectedProfile) await showProfile();
}

function selectProfile(id) {
  selectedProfile = id;
  for (const li of $('#profile-list').children) li.classList.toggle('selected', li.dataset.profileId === id);
  attempt(showProfile);
}

const attributeList = (attributes) =>
  Array.isArray(attributes) ? attributes : Object.entries(attributes ?? {}).map(([key, value]) => ({ key, value }));

/** Whether an access level or subscription is active at the app's time. */
function isActive(x) {
  return !x.expires_at || Date.parse(x.expires_at) > Date.parse(profileNow ?? new Date().toISOString());
}

async function showProfile() {
  let found = null;
  try {
    found = await api('inspect_profile', { path: { id: selectedProfile } });
  } catch {}
  if (!found) {
    render($('#profile-detail'), null, () => el('p', { class: 'muted' }, 'This profile no longer exists.'));
    return;
  }
  const { profile, stored } = found;
  const states = [...profile.access_levels, ...profile.subscriptions].map(isActive);
  render($('#profile-detail'), [stored, states], () => profileDetail(profile, stored));
}

function profileDetail(profile, stored) {
  const product = (x) => x.store_product_id + (x.store_base_plan_id ? `:${x.store_base_plan_id}` : '');
  const active = (x) => (isActive(x) ? 'active' : 'expired');
  return [
    el('h2', {}, profile.customer_user_id ?? '(anonymous profile)'),
    fields(profile, ['profile_id', 'customer_user_id', 'total_revenue_usd', 'segment_hash']),
    el('h3', {}, 'Access levels'),
    table(
      profile.access_levels,
      [
        ['Access level', 'access_level_id'],
        ['State', active],
        ['Product', product],
        ['Store', 'store'],
        ['Starts', (a) => time(a.starts_at)],
        ['Expires', (a) => time(a.expires_at) || 'lifetime'],
        ['Renewal cancelled', (a) => time(a.renewal_cancelled_at)],
        ['Grace period', (a) => (a.is_in_grace_period ? 'yes' : '')],
      ],
      'No access levels.',
    ),
    el('h3', {}, 'Subscriptions'),
    table(
      profile.subscriptions,
      [
        ['Product', product],
        ['State', active],
        ['Store', 'store'],
        ['Transaction', 'store_transaction_id'],
        ['Purchased', (s) => time(s.purchased_at)],
        ['Expires', (s) => time(s.expires_at)],
        ['Billing issue', (s) => time(s.billing_issue_detected_at)],
        ['Cancellation', 'cancellation_reason'],
      ],
      'No subscriptions.',
    ),
    el('h3', {}, 'Purchases'),
    table(
      profile.non_subscriptions,
      [
        ['Product', product],
        ['Store', 'store'],
        ['Transaction', 'store_transaction_id'],
        ['Purchased', (p) => time(p.purchased_at)],
        ['Consumable', (p) => (p.is_consumable ? 'yes' : '')],
        ['Refunded', (p) => (p.is_refund ? 'yes' : '')],
      ],
      'No one-time purchases.',
    ),
    el('h3', {}, 'Revenue (USD)'),
    entries(stored.revenue, ['Transaction', 'USD'], 'No revenue.'),
    el('h3', {}, 'Custom attributes'),
    table(
      attributeList(profile.custom_attributes),
      [
        ['Key', 'key'],
        ['Value', (a) => JSON.stringify(a.value)],
      ],
      'No custom attributes.',
    ),
    el('h3', {}, 'Virtual currency balances'),
    entries(stored.balances, ['Currency', 'Balance'], 'No balances.'),
    el('h3', {}, 'Paywall views (Web API)'),
    table(
      stored.paywall_views ?? [],
      [
        ['Variation', 'variation_id'],
        ['Store', 'store'],
        ['Seen', (v) => time(v.visited_at)],
      ],
      'No paywall views.',
    ),
    el('h3', {}, 'Attribution (Web API)'),
    entries(stored.attribution, ['Field', 'Value'], 'No attribution.'),
    el('details', {}, el('summary', {}, 'Everything the emulator keeps (JSON)'), el('pre', {}, JSON.stringify(stored, null, 2))),
  ];
}

let searchTimer;
$('#profile-search').addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => attempt(loadProfiles), 200);
});

// ---- Requests (the journal) ----

let selectedRequest = null;
let journal = [];

async function loadJournal() {
  journal = (await api('list_journal', { query: { limit: LIST_LIMIT } })).reverse();
  render($('#journal'), [journal, selectedRequest], () =>
    journal.map((r) =>
      el(
        'tr',
        {
          'data-request-id': r.request_id,
          class: ['pick', r.request_id === selectedRequest ? 'selected' : '', r.status >= 400 ? 'failed' : ''].join(' ').trim(),
          onclick: () => showRequest(r.request_id),
        },
        el('td', {}, time(r.received_at)),
        el('td', {}, r.method),
        el('td', {}, r.path + (r.query ? `?${r.query}` : '')),
        el('td', {}, String(r.status) + (r.fault ? ' (fault)' : '')),
      ),
    ),
  );
}

function showRequest(id) {
  selectedRequest = id;
  for (const tr of $('#journal').children) tr.classList.toggle('selected', tr.dataset.requestId === id);
  const r = journal.find((entry) => entry.request_id === id);
  if (!r) return;
  let body = r.body;
  try {
    body = JSON.stringify(JSON.parse(r.body), null, 2);
  } catch {}
  $('#request-detail').replaceChildren(
    el('h2', {}, `${r.method} ${r.path}`),
    fields(r, ['request_id', 'received_at', 'query', 'status', 'fault']),
    el('h3', {}, 'Headers'),
    fields(r.headers, Object.keys(r.headers)),
    el('h3', {}, 'Body'),
    el('pre', {}, body || '(empty)'),
  );
}

$('#clear-journal').addEventListener('click', () =>
  attempt(async () => {
    await api('clear_journal');
    selectedRequest = null;
    $('#request-detail').replaceChildren(el('p', { class: 'muted' }, 'Choose a request.'));
    await loadJournal();
  }),
);

// ---- Webhooks ----

async function loadWebhooks() {
  const deliveries = (await api('list_webhooks')).reverse();
  const attempts = (d) =>
    d.attempts.length
      ? el(
          'ol',
          { class: 'attempts' },
          d.attempts.map((a) => el('li', {}, `${time(a.at)}: ${a.status ?? a.error ?? 'no answer'} (${a.duration_ms} ms)`)),
        )
      : el('span', { class: 'muted' }, d.next_attempt_at ? `next at ${time(d.next_attempt_at)}` : 'none yet');
  const redeliver = (d) =>
    el(
      'button',
      {
        type: 'button',
        class: 'redeliver',
        onclick: () =>
          attempt(async () => {
            await api('redeliver_webhook', { path: { id: d.id } });
            await loadWebhooks();
          }),
      },
      'Redeliver',
    );
  const none = () => el('tr', {}, el('td', { colspan: 7, class: 'muted' }, 'No webhooks sent yet.'));
  render($('#deliveries'), deliveries, () =>
    !deliveries.length
      ? none()
      : deliveries.map((d) =>
          el(
            'tr',
            { 'data-delivery-id': d.id, class: `state-${d.state}` },
            el('td', {}, d.id),
            el('td', {}, el('details', {}, el('summary', {}, d.event_type), el('pre', {}, JSON.stringify(d.body, null, 2)))),
            el('td', {}, d.profile_id ?? ''),
            el('td', {}, `${d.environment}: ${d.url}`),
            el('td', { class: 'state' }, d.state),
            el('td', {}, attempts(d)),
            el('td', {}, redeliver(d)),
          ),
        ),
  );
}

$('#clear-webhooks').addEventListener('click', () =>
  attempt(async () => {
    await api('clear_webhooks');
    await loadWebhooks();
  }),
);

// ---- Faults ----

async function loadFaults() {
  const [faults, chaos] = await Promise.all([api('list_faults'), api('get_chaos')]);
  $('#fault-list').replaceChildren(
    ...faults.map((f) =>
      el(
        'tr',
        {},
        el('td', {}, f.method ?? 'any'),
        el('td', {}, f.path_prefix ?? 'any'),
        el('td', {}, f.status ?? (f.drop_connection ? 'dropped' : '')),
        el('td', {}, f.delay_ms ?? ''),
        el('td', {}, f.times),
      ),
    ),
  );
  if (!faults.length) $('#fault-list').append(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No faults pending.')));
  $('#chaos').textContent = chaos
    ? `On: ${chaos.requests} requests seen, injected ${JSON.stringify(chaos.injected)}; rates ${JSON.stringify(chaos.rates)}.`
    : `Off (${await routeName('set_chaos')} turns it on).`;
}

$('#fault-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const form = new FormData(e.target);
  const fault = {};
  for (const [name, value] of form) {
    if (value === '') continue;
    fault[name] = ['status', 'delay_ms', 'times'].includes(name) ? Number(value) : value;
  }
  attempt(async () => {
    await api('add_faults', { body: fault });
    await loadFaults();
  });
});

$('#clear-faults').addEventListener('click', () =>
  attempt(async () => {
    await api('clear_faults');
    await loadFaults();
  }),
);

// ---- Clock ----

let profileNow = null;

async function loadClock() {
  const clock = await api('get_clock');
  showClock(clock);
}

function showClock(clock) {
  profileNow = clock.now;
  $('#now').textContent = time(clock.now);
  $('#clock-now').textContent = time(clock.now);
  const ahead = clock.offset_seconds
    ? `${(clock.offset_seconds / 86400).toFixed(2)} days ahead of the wall clock`
    : 'the wall clock';
  $('#clock-state').textContent = `(${clock.frozen ? 'frozen, ' : ''}${ahead})`;
  $('#freeze').textContent = clock.frozen ? 'Unfreeze' : 'Freeze';
  $('#freeze').dataset.frozen = clock.frozen;
}

async function moveClock(change) {
  const clock = await api('move_clock', { body: change });
  showClock(clock);
  $('#happened').replaceChildren(
    ...clock.happened.map((h) =>
      el(
        'tr',
        {},
        el('td', {}, time(h.at)),
        el('td', {}, h.event_type),
        el('td', {}, h.customer_user_id ?? ''),
        el('td', {}, h.profile_id),
      ),
    ),
  );
  if (!clock.happened.length) $('#happened').append(el('tr', {}, el('td', { colspan: 4, class: 'muted' }, 'Nothing fell due.')));
}

for (const button of document.querySelectorAll('[data-advance]')) {
  button.addEventListener('click', () => attempt(() => moveClock({ advance_seconds: Number(button.dataset.advance) })));
}

// Freezing moves no time: what the last move brought stays shown.
$('#freeze').addEventListener('click', (e) =>
  attempt(async () => showClock(await api('move_clock', { body: { freeze: e.target.dataset.frozen !== 'true' } }))),
);

$('#clock-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const value = new FormData(e.target).get('now');
  if (value) attempt(() => moveClock({ now: `${value.length === 16 ? `${value}:00` : value}Z` }));
});

// ---- Snapshot ----

$('#download').addEventListener('click', () =>
  attempt(async () => {
    const text = await api('export_snapshot', { raw: true });
    const link = $('#download-link');
    if (link.href) URL.revokeObjectURL(link.href);
    link.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    link.download = `adapty-emulator-${tenant}.json`;
    link.textContent = `${link.download} (${text.length} bytes)`;
    link.hidden = false;
    link.click();
    $('#snapshot-status').textContent = `Downloaded ${link.download}.`;
  }),
);

$('#upload-form').addEventListener('submit', (e) => {
  e.preventDefault();
  const file = new FormData(e.target).get('file');
  if (!file || !file.size) {
    showError('Choose a snapshot file first.');
    return;
  }
  attempt(async () => {
    await api('import_snapshot', { body: await file.text() });
    $('#snapshot-status').textContent = `Restored ${file.name}.`;
    selectedProfile = null;
    await refresh();
  });
});

// ---- Tabs and polling ----

function currentTab() {
  const tab = location.hash.slice(1);
  return TABS.includes(tab) ? tab : 'profiles';
}

const loaders = {
  profiles: loadProfiles,
  requests: loadJournal,
  webhooks: loadWebhooks,
  faults: loadFaults,
  clock: loadClock,
  snapshot: async () => {},
};

/** Reloads the apps, the clock and the open tab. */
async function refresh() {
  await loadTenants();
  await loadClock();
  await loaders[currentTab()]();
}

function showTab() {
  const tab = currentTab();
  for (const section of document.querySelectorAll('.tab')) section.hidden = section.id !== tab;
  for (const link of document.querySelectorAll('#tabs a')) link.classList.toggle('active', link.dataset.tab === tab);
  attempt(refresh);
}

window.addEventListener('hashchange', showTab);
showTab();

// The journal, the webhooks and the clock change on their own: poll them while shown. A profile
// list is polled too, unless the user is typing a search.
setInterval(() => {
  if (document.hidden) return;
  const tab = currentTab();
  if (tab === 'profiles' && document.activeElement === $('#profile-search')) return;
  if (['requests', 'webhooks', 'clock', 'profiles'].includes(tab)) attempt(refresh);
}, POLL_MS);
