// Types of adapty-emulator: the binary started for tests, and its control plane.

import { Control, type Happened } from './generated/control.js';

// The control plane's types (control.d.ts, generated from the emulator's description).
export type * from './generated/control.js';

/** The binary: $ADAPTY_EMULATOR_BIN, else this package's. */
export function binaryPath(): string;

/** A control-plane request the emulator refused. */
export class EmulatorError extends Error {
  readonly status: number;
  readonly body: string;
}

/** One app of a running emulator: the one its `apiKey` addresses; the control plane's requests are `Control`'s methods. */
export class Emulator extends Control {
  constructor(baseUrl: string, apiKey: string);
  readonly baseUrl: string;
  readonly apiKey: string;
  /** The app another key addresses (with `acceptAnyKey`, an app of its own). */
  app(apiKey: string): Emulator;
  /** Any control-plane request (`path` under `/__emulator/`): its JSON answer, or null. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Moves the app's clock forward; returns what happened meanwhile, in order. */
  advance(by: { days?: number; hours?: number; minutes?: number; seconds?: number }): Promise<Happened[]>;
}

/** An emulator this process started. */
export class RunningEmulator extends Emulator {
  /** Stops the emulator and waits for it. */
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartOptions {
  /** This app's key (default 'secret_emulator_key'). */
  apiKey?: string;
  /** Accept any key, each an app of its own (default true); false accepts `apiKey` only. */
  acceptAnyKey?: boolean;
  /** More arguments: '--import', 'snapshot.json', '--webhook-url', ... */
  args?: string[];
  /** The binary to run (default: binaryPath()). */
  binary?: string;
}

/** Starts an emulator on a free loopback port; it never keeps the process alive. */
export function startEmulator(options?: StartOptions): Promise<RunningEmulator>;

/** The app `apiKey` addresses on a running emulator (default: ADAPTY_EMULATOR_URL, ADAPTY_API_KEY). */
export function connectEmulator(baseUrl?: string, apiKey?: string): Emulator;
