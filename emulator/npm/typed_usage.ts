// A typed use of adapty-emulator, checked with tsc --strict by `make test-emulator`.
import { connectEmulator, EmulatorError, type Happened, type RunningEmulator, startEmulator } from 'adapty-emulator';

export async function renewals(): Promise<string[]> {
  await using emulator: RunningEmulator = await startEmulator({
    apiKey: 'secret_typed',
    args: ['--app-id', '0b4e1b8e-4c35-4a8d-9a8b-1f7a2c3d4e5f'],
  });
  await emulator.seed([{ customer_user_id: 'typed', access_levels: ['premium'], balances: { COINS: 5 } }], { count: 2 });
  await emulator.configure({ vc_enabled: false });
  await emulator.fault({ method: 'GET', status: 503, times: 1 });
  const happened: Happened[] = await emulator.advance({ days: 31 });
  const other = connectEmulator(emulator.baseUrl, 'secret_other').app('secret_third');
  await other.setTime(new Date(Date.now() + 86_400_000), { freeze: true });
  try {
    await other.control('POST', 'clock', { advance_seconds: -1 });
  } catch (e) {
    if (e instanceof EmulatorError) return [String(e.status), e.body];
  }
  await emulator.restore(await emulator.snapshot());
  return happened.map((h) => `${h.at} ${h.event_type} ${h.customer_user_id ?? h.profile_id}`);
}
