// Types of adapty-emulator: the binary started for tests, and its control plane.

/** An event moving the clock brought. */
export interface Happened {
  at: string;
  profile_id: string;
  customer_user_id: string | null;
  event_type: string;
}

/** A profile to seed: ids, access levels held for life, virtual currency balances. */
export interface SeedProfile {
  profile_id?: string;
  customer_user_id?: string;
  access_levels?: string[];
  balances?: Record<string, number>;
}

/** A request the app received (`authorization` redacted). */
export interface JournalEntry {
  request_id: string;
  received_at: string;
  method: string;
  path: string;
  query: string | null;
  headers: Record<string, string>;
  body: string;
  status: number;
  /** Whether an injected fault answered it. */
  fault: boolean;
}

/** One webhook the emulator sent (or will send), with every attempt. */
export interface WebhookDelivery {
  id: number;
  event_type: string;
  profile_event_id: string | null;
  profile_id: string | null;
  environment: 'production' | 'sandbox';
  url: string;
  created_at: string;
  state: 'pending' | 'delivered' | 'failed';
  next_attempt_at: string | null;
  attempts: Array<{ at: string; status: number | null; error: string | null; duration_ms: number }>;
  body: Record<string, unknown>;
}

/** A planned failure (docs/EMULATOR.md, "Control plane"). */
export interface Fault {
  method?: string;
  path_prefix?: string;
  headers?: Record<string, string>;
  times?: number;
  status?: number;
  body?: unknown;
  retry_after?: string;
  delay_ms?: number;
  apply?: boolean;
  drop_connection?: boolean;
}

/** The binary: $ADAPTY_EMULATOR_BIN, else this package's. */
export function binaryPath(): string;

/** A control-plane request the emulator refused. */
export class EmulatorError extends Error {
  readonly status: number;
  readonly body: string;
}

/** One app of a running emulator: the one its `apiKey` addresses. */
export class Emulator {
  constructor(baseUrl: string, apiKey: string);
  readonly baseUrl: string;
  readonly apiKey: string;
  /** The app another key addresses (with `acceptAnyKey`, an app of its own). */
  app(apiKey: string): Emulator;
  /** Any control-plane request (`path` under `/__emulator/`): its JSON answer, or null. */
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  /** Forgets the app's profiles, journal, faults and webhooks; restores its catalog and clock. */
  reset(): Promise<void>;
  /** Creates profiles at once; returns their profile ids. */
  seed(profiles?: SeedProfile[], options?: { count?: number; customerUserIdPrefix?: string }): Promise<string[]>;
  /** Every profile's `profile_id` and `customer_user_id`. */
  profiles(): Promise<Array<{ profile_id: string; customer_user_id: string | null }>>;
  /** All the emulator keeps about a profile (by profile id or customer user id). */
  storedProfile(id: string): Promise<Record<string, unknown>>;
  /** Changes the catalog's settings; returns them all. */
  configure(settings: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** The app's time. */
  now(): Promise<Date>;
  /** Moves the app's clock forward; returns what happened meanwhile, in order. */
  advance(by: { days?: number; hours?: number; minutes?: number; seconds?: number }): Promise<Happened[]>;
  /** Moves the clock forward to `when`, frozen there if asked. */
  setTime(when: Date | string, options?: { freeze?: boolean }): Promise<Happened[]>;
  /** Stops the clock where it is (`false` runs it again). */
  freeze(frozen?: boolean): Promise<void>;
  /** The requests the app received, oldest first (the key redacted). */
  journal(): Promise<JournalEntry[]>;
  clearJournal(): Promise<void>;
  /** The webhook delivery log, oldest first, with every attempt. */
  webhooks(): Promise<WebhookDelivery[]>;
  clearWebhooks(): Promise<void>;
  /** Sends an event of any type for a profile; returns the deliveries' ids. */
  triggerWebhook(
    eventType: string,
    options?: { customerUserId?: string; profileId?: string; properties?: Record<string, unknown> },
  ): Promise<number[]>;
  /** Plans failures for the next matching requests. */
  fault(...faults: Fault[]): Promise<void>;
  clearFaults(): Promise<void>;
  /** The app's whole state. */
  snapshot(): Promise<Record<string, unknown>>;
  /** Replaces the app's whole state with a snapshot (an object, or its JSON text). */
  restore(snapshot: Record<string, unknown> | string): Promise<void>;
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
