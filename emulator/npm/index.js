// The adapty-emulator binary this package carries, started for tests, and its control plane.

const { spawn } = require('node:child_process');
const path = require('node:path');
const { Control } = require('./generated/control.js');

/** The package's binaries, one per CPU, by Node's name of the CPU (directories named as `uname -m`). */
const MACHINES = { x64: 'x86_64', arm64: 'aarch64' };

/** The binary: $ADAPTY_EMULATOR_BIN, else this package's for this machine's CPU. */
function binaryPath() {
  if (process.env.ADAPTY_EMULATOR_BIN) return process.env.ADAPTY_EMULATOR_BIN;
  const machine = MACHINES[process.arch];
  if (machine === undefined) throw new Error(`adapty-emulator has no binary for ${process.platform}-${process.arch}`);
  return path.join(__dirname, 'bin', machine, 'adapty-emulator');
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

/**
 * One app of a running emulator: the one its `apiKey` addresses (every control-plane request carries it).
 * The requests are `Control`'s generated methods (generated/control.js); this sends them.
 */
class Emulator extends Control {
  constructor(baseUrl, apiKey) {
    super();
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

  /** Moves the app's clock forward; returns what happened meanwhile, in order. */
  advance({ days = 0, hours = 0, minutes = 0, seconds = 0 } = {}) {
    return this._advance(((days * 24 + hours) * 60 + minutes) * 60 + seconds);
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
