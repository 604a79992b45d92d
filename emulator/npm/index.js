// The adapty-emulator binary this package carries, started for tests, and its control plane.

const { spawn } = require('node:child_process');
const path = require('node:path');

/** The binary: $ADAPTY_EMULATOR_BIN, else this package's. */
function binaryPath() {
  return (
    process.env.ADAPTY_EMULATOR_BIN ||
    path.join(__dirname, 'bin', process.platform === 'win32' ? 'adapty-emulator.exe' : 'adapty-emulator')
  );
}

/** A control-plane request the emulator refused (a bad fault, a clock moved backwards, ...). */
class EmulatorError extends Error {
  constructor(status, body) {
    super(`the emulator answered ${status}: ${body}`);
    this.name = 'EmulatorError';
    this.status = status;
    this.body = body;
  }
}

/** One app of a running emulator: the one its `apiKey` addresses (every control-plane request carries it). */
class Emulator {
  constructor(baseUrl, apiKey) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.apiKey = apiKey;
  }

  /** The app another key addresses (with `acceptAnyKey`, an app of its own). */
  app(apiKey) {
    return new Emulator(this.baseUrl, apiKey);
  }

  /** Any control-plane request (`path` under `/__emulator/`): its JSON answer, or null. */
  async control(method, path, body) {
    const init = { method, headers: { authorization: `Api-Key ${this.apiKey}`, 'content-type': 'application/json' } };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(`${this.baseUrl}/__emulator/${path}`, init);
    const text = await response.text();
    if (!response.ok) throw new EmulatorError(response.status, text);
    return text ? JSON.parse(text) : null;
  }

  /** Forgets the app's profiles, journal, faults and webhooks; restores its catalog and clock. */
  async reset() {
    await this.control('POST', 'reset');
  }

  /** Creates profiles at once; returns their profile ids. */
  async seed(profiles = [], { count = 0, customerUserIdPrefix } = {}) {
    const body = { profiles, count };
    if (customerUserIdPrefix !== undefined) body.customer_user_id_prefix = customerUserIdPrefix;
    return (await this.control('POST', 'profiles', body)).profile_ids;
  }

  /** Every profile's `profile_id` and `customer_user_id`. */
  async profiles() {
    return (await this.control('GET', 'profiles')).profiles;
  }

  /** All the emulator keeps about a profile (by profile id or customer user id). */
  async storedProfile(id) {
    return (await this.control('GET', `profiles/${encodeURIComponent(id)}`)).stored;
  }

  /** Changes the catalog's settings; returns them all. */
  configure(settings) {
    return this.control('POST', 'config', settings);
  }

  /** The app's time. */
  async now() {
    return new Date((await this.control('GET', 'clock')).now);
  }

  /** Moves the app's clock forward; returns what happened meanwhile, in order. */
  async advance({ days = 0, hours = 0, minutes = 0, seconds = 0 } = {}) {
    const total = ((days * 24 + hours) * 60 + minutes) * 60 + seconds;
    return (await this.control('POST', 'clock', { advance_seconds: total })).happened;
  }

  /** Moves the clock forward to `when`, frozen there if asked. */
  async setTime(when, { freeze } = {}) {
    const body = { now: when instanceof Date ? when.toISOString() : when };
    if (freeze !== undefined) body.freeze = freeze;
    return (await this.control('POST', 'clock', body)).happened;
  }

  /** Stops the clock where it is (`false` runs it again). */
  async freeze(frozen = true) {
    await this.control('POST', 'clock', { freeze: frozen });
  }

  /** The requests the app received, oldest first (the key redacted). */
  journal() {
    return this.control('GET', 'journal');
  }

  async clearJournal() {
    await this.control('DELETE', 'journal');
  }

  /** The webhook delivery log, oldest first, with every attempt. */
  webhooks() {
    return this.control('GET', 'webhooks');
  }

  async clearWebhooks() {
    await this.control('DELETE', 'webhooks');
  }

  /** Sends an event of any type for a profile; returns the deliveries' ids. */
  async triggerWebhook(eventType, { customerUserId, profileId, properties = {} } = {}) {
    const body = { event_type: eventType, properties };
    if (customerUserId !== undefined) body.customer_user_id = customerUserId;
    if (profileId !== undefined) body.profile_id = profileId;
    return (await this.control('POST', 'webhooks/trigger', body)).deliveries;
  }

  /** Plans failures for the next matching requests. */
  async fault(...faults) {
    await this.control('POST', 'faults', faults);
  }

  async clearFaults() {
    await this.control('DELETE', 'faults');
  }

  /** The app's whole state. */
  snapshot() {
    return this.control('GET', 'snapshot');
  }

  /** Replaces the app's whole state with a snapshot (an object, or its JSON text). */
  async restore(snapshot) {
    await this.control('PUT', 'snapshot', snapshot);
  }
}

/** An emulator this process started: an `Emulator` that can be stopped. */
class RunningEmulator extends Emulator {
  #child;
  #exited;

  constructor(baseUrl, apiKey, child, exited) {
    super(baseUrl, apiKey);
    this.#child = child;
    this.#exited = exited;
  }

  /** Stops the emulator and waits for it. */
  async stop() {
    this.#child.stdin.end();
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await this.#exited;
    clearTimeout(timer);
  }

  async [Symbol.asyncDispose]() {
    await this.stop();
  }
}

/**
 * Starts an emulator on a free loopback port. By default it accepts any key, each an app of its
 * own, and this one is `options.apiKey` ('secret_emulator_key'). It stops with `stop()`, and
 * also when this process exits (it never keeps the process alive).
 */
function startEmulator(options = {}) {
  const apiKey = options.apiKey ?? 'secret_emulator_key';
  const keyArgs = options.acceptAnyKey === false ? ['--api-key', apiKey] : ['--accept-any-key'];
  const args = ['--port', '0', '--exit-on-stdin-close', ...keyArgs, ...(options.args ?? [])];
  const child = spawn(options.binary ?? binaryPath(), args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => child.once('close', resolve));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.once('error', reject);
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const end = out.indexOf('\n');
      if (end < 0) return;
      child.stdout.removeAllListeners('data');
      child.stdout.destroy();
      child.stderr.removeAllListeners('data');
      child.stderr.resume();
      // Neither the process nor its pipes keep this process alive; stdin closing at exit stops it.
      for (const stream of [child.stdin, child.stderr]) stream.unref?.();
      child.unref();
      resolve(new RunningEmulator(out.slice(0, end), apiKey, child, exited));
    });
    exited.then((code) => reject(new Error(`the emulator did not start (exit ${code}): ${err.trim()}`)));
  });
}

/**
 * The app `apiKey` addresses on an emulator already running (one a Jest globalSetup started, or
 * `adapty-emulator exec`'s): by default `ADAPTY_EMULATOR_URL` and `ADAPTY_API_KEY`.
 */
function connectEmulator(baseUrl = process.env.ADAPTY_EMULATOR_URL, apiKey = process.env.ADAPTY_API_KEY) {
  if (!baseUrl || !apiKey)
    throw new TypeError('connectEmulator needs a base URL and a key (or ADAPTY_EMULATOR_URL and ADAPTY_API_KEY)');
  return new Emulator(baseUrl, apiKey);
}

module.exports = { startEmulator, connectEmulator, binaryPath, Emulator, RunningEmulator, EmulatorError };
