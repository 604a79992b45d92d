// Between the generated namespaces (lib/generated/operations.js) and the native addon: each method hands
// over its operation's description (`spec`) and its parameters; this turns them into the core's
// snake_case arguments, runs the core operation, unwraps `{ ok }` / `{ error }` and converts the
// result back. The walks run the core's walk over the pages of a list.
//
// A spec: `op` the core operation; `positional` the core arguments given first, as
// [name, kind] (e.g. ['paywall_id', 'text'], ['refs', 'profile_refs']); `profile` whether the
// input object names a profile (`profileId` / `customerUserId`); `args` the input keys that are
// the core's other arguments (camelCase -> theirs); `body` the INPUTS table the remaining keys are
// converted with, as the request body; `output` the manifest's output (nothing, a model, or one
// delete result per profile of the `profile_refs` argument); `item` for a walk, the model of the
// items it yields.

const { AdaptyError } = require('./adapty_error');
const { API_KIND, BY_CODE } = require('./generated/errors');
const { fromCore, toCore } = require('./convert');
const { core } = require('./core');
const { callTracer, contextHeaders } = require('./tracing');

const NATIVE = Symbol('native');
const RAW = Symbol('raw');

/** The base of every namespace: holds the getter of the client's native handle. */
class Namespace {
  constructor(native, raw = false) {
    Object.defineProperty(this, NATIVE, { value: native });
    Object.defineProperty(this, RAW, { value: raw });
  }

  /** The same calls, each resolving to its response with the result. */
  get withRawResponse() {
    return new this.constructor(this[NATIVE], true);
  }
}

/**
 * Runs the operation `spec` with the method's parameters and the call's options; resolves to its
 * result (or, on a `withRawResponse` namespace, to its response with the result).
 */
async function call(ns, spec, positional, input, requestOptions) {
  const args = coreArgs(spec, positional, input);
  const { options, signal } = callOptions(requestOptions);
  const native = ns[NATIVE]();
  const raw = ns[RAW];
  const trace = callTracer();
  const start = (id) => native.call(spec.op, args, id, options, raw, signal != null, trace);
  return answer(spec, positional, raw, unwrap(await core().background(start, signal)));
}

/** The same as `call`, blocking the event loop. */
function callSync(ns, spec, positional, input, requestOptions) {
  const args = coreArgs(spec, positional, input);
  const { options } = callOptions(requestOptions);
  const raw = ns[RAW];
  const traced = withContext(options);
  return answer(spec, positional, raw, unwrap(JSON.parse(ns[NATIVE]().callSync(spec.op, args, traced, raw))));
}

/** The core's options of a call, and its abort signal; none (null) when none is given. */
function callOptions(requestOptions) {
  if (requestOptions == null) return { options: null, signal: null };
  if (typeof requestOptions !== 'object' || Array.isArray(requestOptions))
    throw new TypeError('requestOptions must be an object');
  const { signal = null, ...rest } = requestOptions;
  // Required here: the generated operations require this module first.
  return { options: require('./generated/operations').coreCallOptions(rest), signal };
}

/** A blocking call's options with the headers that carry the active trace context, if any. */
function withContext(options) {
  const headers = contextHeaders();
  if (headers === null) return options;
  return { ...options, headers: { ...headers, ...options?.headers } };
}

/** A call's result, or with `raw` its response with the result. */
function answer(spec, positional, raw, value) {
  if (!raw) return result(spec, positional, value);
  const { status, headers, request_id, retries } = value.response;
  return { data: result(spec, positional, value.data), status, headers, requestId: request_id ?? null, retries };
}

/**
 * Every item of every page of the list `spec`, as an AsyncIterable: the core's walk fetches each
 * page (passing the previous page's cursor) when the last one is used up, ends on an empty cursor,
 * and ends with an error on a cursor it already sent. A wrong input throws here, not at the first
 * page.
 */
function walk(ns, spec, positional, input) {
  return pages(ns[NATIVE], spec, coreArgs(spec, positional, input));
}

/** The same as `walk`, as an Iterable whose every page blocks the event loop. */
function walkSync(ns, spec, positional, input) {
  return pagesSync(ns[NATIVE], spec, coreArgs(spec, positional, input));
}

async function* pages(native, spec, args) {
  const walker = openWalk(native(), spec.op, args);
  for (;;) {
    native(); // a closed client throws here, as every call does
    const trace = callTracer();
    const items = unwrap(await core().background((id) => walker.next(id, trace)));
    if (items === null) return;
    for (const data of items) yield fromCore(spec.item, data);
  }
}

function* pagesSync(native, spec, args) {
  const walker = openWalk(native(), spec.op, args);
  for (;;) {
    native();
    const items = unwrap(JSON.parse(walker.nextSync()));
    if (items === null) return;
    for (const data of items) yield fromCore(spec.item, data);
  }
}

/** The core's walk over every page of `op` (a wrong `op` throws, described by the core). */
function openWalk(native, op, args) {
  try {
    return native.walk(op, args);
  } catch (e) {
    throw errorFrom(JSON.parse(e.message));
  }
}

/**
 * The core's arguments for a method's parameters: the positional ones, then the input object's
 * profile ids, the core's own arguments, and the rest as the body, whose unknown keys the core
 * refuses. Without a body, another key is a TypeError here (the core would refuse a walk's only at
 * its first page). Arguments not given are null: the core applies its defaults.
 */
function coreArgs(spec, positional, input) {
  const out = {};
  (spec.positional ?? []).forEach(([name, kind], i) => {
    out[name] = kind === 'profile_refs' ? refs(positional[i]) : (positional[i] ?? null);
  });
  const takesInput = spec.profile || spec.body || spec.args;
  if (!takesInput) return out;
  // An input of only optional arguments may be left out.
  if (input === undefined && !spec.profile && !spec.body) input = {};
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TypeError(spec.profile ? 'expected an object with profileId or customerUserId' : 'expected an object');
  }
  const rest = { ...input };
  if (spec.profile) {
    out.profile_id = rest.profileId ?? null;
    out.customer_user_id = rest.customerUserId ?? null;
    delete rest.profileId;
    delete rest.customerUserId;
  }
  for (const [key, name] of Object.entries(spec.args ?? {})) {
    out[name] = rest[key] ?? null;
    delete rest[key];
  }
  if (spec.body) {
    out.fields = toCore(spec.body, rest);
  } else {
    const unknown = Object.keys(rest).filter((key) => rest[key] !== undefined);
    if (unknown.length) throw new TypeError(`unknown field ${unknown.join(', ')}`);
  }
  return out;
}

/** A list of profile refs as the core takes them (anything else goes as it is, for the core to refuse). */
function refs(list) {
  if (!Array.isArray(list)) return list ?? null;
  return list.map((r) => ({ profile_id: r?.profileId ?? null, customer_user_id: r?.customerUserId ?? null }));
}

/** A core result as the method returns it. */
function result(spec, positional, value) {
  const { kind, model } = spec.output;
  if (kind === 'model') return fromCore(model, value);
  if (kind === 'delete_results') {
    const given = positional[spec.positional.findIndex(([, k]) => k === 'profile_refs')];
    return value.map((e, i) => ({ ref: given[i], ok: e === null, error: e === null ? null : errorFrom(e) }));
  }
  return undefined;
}

function unwrap(outcome) {
  if (outcome.error) throw errorFrom(outcome.error);
  return outcome.ok;
}

/** Fields (and call options) whose keys are the user's own: the part of a path after them stays as it is. */
const USER_KEYS = new Set(['custom_attributes', 'metadata', 'headers', 'extra_query', 'extra_body']);

/** `installation_meta.platform` -> `installationMeta.platform`; custom attribute and metadata keys stay. */
function jsField(field) {
  const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
  const parts = field.split('.');
  const user = parts.findIndex((p) => USER_KEYS.has(p.replace(/\[.*$/, '')));
  const end = user === -1 ? parts.length : user + 1;
  return [...parts.slice(0, end).map(camel), ...parts.slice(end)].join('.');
}

/**
 * The error for a description made by the core (`ErrorInfo`), of the class its `kind` (and for
 * an API error its `api_kind`) names, with the core's message. A value of the wrong type (rule
 * `type`) is a TypeError, with the same properties as a ValidationError.
 */
function errorFrom(info) {
  const { kind, message } = info;
  if (kind === 'validation') {
    // The core names fields as the API does (snake_case); name them as this package does.
    const details = { code: kind, field: jsField(info.field), rule: info.rule, errorCode: info.error_code ?? null };
    if (info.rule === 'type') return Object.assign(new TypeError(message), details);
    return new BY_CODE[kind](message, details);
  }
  if (kind === API_KIND) {
    const cls = BY_CODE[info.api_kind] ?? BY_CODE[kind];
    return new cls(message, {
      code: info.api_kind,
      status: info.status,
      errorCode: info.error_code,
      errors: info.errors,
      requestId: info.request_id,
      body: info.body,
      retryAfter: info.retry_after,
    });
  }
  if (kind === 'webhook_payload') return new BY_CODE[kind](message, { code: kind, field: info.field });
  return new (BY_CODE[kind] ?? AdaptyError)(message, { code: kind });
}

module.exports = { Namespace, call, callSync, walk, walkSync, errorFrom };
