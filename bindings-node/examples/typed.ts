// Type-checked with `tsc --strict --noEmit` by scripts/test: the public API as TypeScript sees it.
import { Adapty, APIStatusError, RateLimitError, type Profile, type DeleteResult } from 'adapty-server';

export async function typedUsage(client: Adapty): Promise<string[]> {
  const profile: Profile = await client.profiles.get({ customerUserId: 'u' });
  const expires: string | null = profile.accessLevels[0]?.expiresAt ?? null;
  const plan: string | number | null | undefined = profile.customAttributes['plan'];
  await client.profiles.update({ customerUserId: 'u', firstName: null, gender: 'm', customAttributes: { k: 1.5, gone: null, flag: true } });
  await client.profiles.create({ profileId: 'p', customerUserId: 'u', installationMeta: { deviceId: 'd', platform: 'web' } });
  const results: DeleteResult[] = await client.profiles.deleteMany([{ profileId: 'p' }], { concurrency: 4 });
  const sync: Profile = client.profiles.getSync({ profileId: 'p' });
  try {
    await client.profiles.delete({ customerUserId: 'u' });
  } catch (e) {
    if (e instanceof RateLimitError) console.log(e.retryAfter);
    else if (e instanceof APIStatusError) console.log(e.status, e.errorCode, e.requestId);
  }
  return [String(expires), String(plan), String(results.length), sync.profileId];
}
