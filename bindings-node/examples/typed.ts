// Type-checked with `tsc --strict --noEmit` by `make test-node`: the public API as TypeScript sees it.

import { randomUUID } from 'node:crypto';
import {
  type AccessLevel,
  type Adapty,
  APIStatusError,
  type DeleteResult,
  type IntegrationIdentifiers,
  type Paywall,
  type PaywallPage,
  type Profile,
  RateLimitError,
  type RefundSaverSettings,
  type TransactionParams,
  UsageError,
  ValidationError,
  type VirtualCurrencyBalances,
  type VirtualCurrencyTransaction,
  type VirtualCurrencyTransactionPage,
  type VirtualCurrencyTransactionResult,
  WebhookAuthorizationError,
  type WebhookEvent,
  WebhookPayloadError,
  webhooks,
} from 'adapty-server';

export async function typedUsage(client: Adapty): Promise<string[]> {
  const profile: Profile = await client.profiles.get({ customerUserId: 'u' });
  const expires: string | null = profile.accessLevels[0]?.expiresAt ?? null;
  const premium: boolean = profile.hasActiveAccess('premium') || profile.hasActiveAccess('premium', new Date());
  const plan: string | number | null | undefined = profile.customAttributes['plan'];
  await client.profiles.update({
    customerUserId: 'u',
    firstName: null,
    gender: 'm',
    customAttributes: { k: 1.5, gone: null, flag: true },
  });
  await client.profiles.create({ profileId: 'p', customerUserId: 'u', installationMeta: { deviceId: 'd', platform: 'web' } });
  const results: DeleteResult[] = await client.profiles.deleteMany([{ profileId: 'p' }], { concurrency: 4 });
  const blocking: DeleteResult[] = client.profiles.deleteManySync([{ customerUserId: 'u' }]);
  const sync: Profile = client.profiles.getSync({ profileId: 'p' });
  try {
    await client.profiles.delete({ customerUserId: 'u' });
  } catch (e) {
    if (e instanceof RateLimitError) console.log(e.retryAfter);
    else if (e instanceof UsageError) console.log(e.code === 'closed');
    else if (e instanceof APIStatusError) console.log(e.status, e.errorCode, e.requestId);
  }
  return [String(expires), String(plan), String(results.length + blocking.length), sync.profileId, String(premium)];
}

const monthly: TransactionParams = {
  purchaseType: 'subscription',
  store: 'app_store',
  environment: 'Production',
  storeProductId: 'premium_monthly',
  storeTransactionId: '1000000123456789',
  storeOriginalTransactionId: '1000000123456789',
  price: { country: 'US', currency: 'USD', value: 4.99 },
  purchasedAt: '2024-01-15T10:30:00Z',
  originallyPurchasedAt: '2024-01-15T10:30:00Z',
  expiresAt: '2030-02-15T10:30:00Z',
  renewStatus: true,
  offer: { category: 'promotional', type: 'pay_as_you_go', id: 'spring-sale' },
};

export async function purchasesAndAccess(client: Adapty): Promise<AccessLevel[]> {
  const bought: Profile = await client.purchases.setTransaction({ customerUserId: 'u', ...monthly });
  const total: number | null = bought.totalRevenueUsd;
  await client.purchases.validateStripe({ customerUserId: 'u', stripeToken: 'sub_1' });
  const paddle: Profile = client.purchases.validatePaddleSync({ customerUserId: 'u', paddleToken: 'txn_1' });
  await client.accessLevels.grant({
    profileId: paddle.profileId,
    accessLevelId: 'premium',
    startsAt: null,
    expiresAt: '2030-01-01T00:00:00Z',
  });
  try {
    client.accessLevels.revokeSync({ customerUserId: 'u', accessLevelId: 'premium', revokeAt: '2020-01-01T00:00:00Z' });
  } catch (e) {
    if (e instanceof ValidationError) console.log(e.field, e.rule, e.errorCode ?? 'none');
  }
  const revoked: Profile = await client.accessLevels.revoke({ customerUserId: 'u', accessLevelId: 'premium' });
  console.log(total);
  return revoked.accessLevels;
}

export async function settings(client: Adapty): Promise<void> {
  const saver: RefundSaverSettings = await client.refundSaver.set({
    customerUserId: 'u',
    customPreference: 'grant',
    consent: true,
  });
  const preference: string | null = saver.settings.customPreference;
  const again: RefundSaverSettings = client.refundSaver.getSync({ customerUserId: 'u' });
  await client.integrations.set({ customerUserId: 'u', appsflyerId: 'af-1', mixpanelUserId: null });
  const ids: IntegrationIdentifiers = await client.integrations.get({ customerUserId: 'u' });
  const nothing: void = client.integrations.setSync({ profileId: 'p', branchId: 'b' });
  console.log(preference, again.settings.consent, ids.appsflyerId, nothing);
}

export async function paywalls(client: Adapty): Promise<string[]> {
  const page: PaywallPage = await client.paywalls.list({ page: 2, pageSize: 10 });
  const next: PaywallPage | null = page.nextCursor === null ? null : client.paywalls.listSync({ cursor: page.nextCursor });
  const titles: string[] = [];
  for await (const paywall of client.paywalls.listAll({ pageSize: 50 })) titles.push(paywall.title);
  for (const paywall of client.paywalls.listAllSync()) titles.push(paywall.paywallId);
  const one: Paywall = await client.paywalls.get(page.data[0]?.paywallId ?? 'id');
  const updated: Paywall = client.paywalls.updateSync(one.paywallId, {
    remoteConfigs: [{ locale: 'en', data: '{"title":"Go premium"}' }],
  });
  return [...titles, String(next?.page), ...updated.remoteConfigs.map((c) => c.data)];
}

export async function virtualCurrency(client: Adapty): Promise<number> {
  const ref = { customerUserId: 'u' } as const;
  const result: VirtualCurrencyTransactionResult = await client.virtualCurrency.createTransaction({
    ...ref,
    items: [
      { currencyCode: 'COINS', amount: 100 },
      { currencyCode: 'GEMS', amount: -5 },
    ],
    metadata: { order_id: 'o-1' },
    idempotencyKey: randomUUID(),
  });
  const balances: VirtualCurrencyBalances = client.virtualCurrency.balancesSync(ref);
  const page: VirtualCurrencyTransactionPage = await client.virtualCurrency.listTransactions({
    ...ref,
    currencyCode: 'COINS',
    limit: 10,
    cursor: null,
  });
  let credited = 0;
  for await (const t of client.virtualCurrency.listAllTransactions({ ...ref, limit: 100 }))
    credited += t.items.reduce((sum, i) => sum + i.amount, 0);
  const history: VirtualCurrencyTransaction[] = [
    ...client.virtualCurrency.listAllTransactionsSync({ profileId: 'p', currencyCode: 'GEMS' }),
  ];
  const order: string | undefined = history[0]?.metadata?.['order_id'];
  console.log(result.transactionId, page.nextCursor, order);
  return credited + (balances.data[0]?.available ?? 0);
}

// @ts-expect-error: a profile ref takes one id, not neither
export const noRef = (client: Adapty) => client.refundSaver.get({});
// @ts-expect-error: a walk sends the cursor itself
export const walkCursor = (client: Adapty) => client.paywalls.listAll({ cursor: 'c' });
export const wrongType = (client: Adapty) =>
  // @ts-expect-error: expiresAt is a string
  client.accessLevels.grant({ customerUserId: 'u', accessLevelId: 'premium', expiresAt: 5 });

/** A webhook receiver's view: `properties` narrows with `type`. */
export function onWebhook(body: Buffer, authorization: string | undefined): string {
  try {
    const event: WebhookEvent = webhooks.constructEvent(body, authorization, 'secret', {
      eventNames: { purchase: 'subscription_started' },
    });
    switch (event.type) {
      case 'verification':
        return 'ok';
      case 'access_level_updated':
        return `${event.properties?.accessLevelId} active: ${event.properties?.isActive}`;
      case 'unknown':
        return `${event.rawType}: ${Object.keys(event.properties ?? {})}`;
      default:
        return `${event.type} ${event.properties?.profileEventId} ${event.properties?.priceUsd}`;
    }
  } catch (e) {
    if (e instanceof WebhookAuthorizationError) return '401';
    if (e instanceof WebhookPayloadError) return `400 ${e.field}`;
    throw e;
  }
}
// @ts-expect-error: renamed events map to Adapty's types only
export const badName = () => webhooks.parseEvent('{}', { eventNames: { x: 'made_up' } });
