// Quickstart: profiles (create, read, update, delete, delete many), then a purchase, its access
// level and revoking it, and every paywall page by page.
// Reads ADAPTY_API_KEY and ADAPTY_BASE_URL (`make demo` points them at a local emulator).
import { Adapty, NotFoundError, ValidationError } from 'adapty-server';

const client = new Adapty();
console.log(`Talking to ${client.baseUrl}`);

const profile = await client.profiles.create({
  customerUserId: 'node-quickstart-1',
  firstName: 'Jane',
  gender: 'f',
  customAttributes: { plan: 'gold', logins: 3 },
  installationMeta: { deviceId: 'device-1', platform: 'iOS' },
  platform: 'iOS',
});
console.log(`created  ${profile.profileId} for ${profile.customerUserId}`);

const fetched = await client.profiles.get({ profileId: profile.profileId });
console.log(`fetched  attributes ${JSON.stringify(fetched.customAttributes)}, ${fetched.accessLevels.length} access levels`);

// Only what you pass is sent; null clears a field or deletes an attribute.
const updated = await client.profiles.update({
  customerUserId: 'node-quickstart-1',
  firstName: null,
  customAttributes: { plan: null, beta: true },
});
console.log(`updated  attributes now ${JSON.stringify(updated.customAttributes)}`);

try {
  await client.profiles.update({ customerUserId: 'node-quickstart-1', birthday: '2001-02-29' });
} catch (e) {
  if (!(e instanceof ValidationError)) throw e;
  console.log(`refused  before sending: ${e.field} (${e.rule}): ${e.message}`);
}

await client.profiles.delete({ customerUserId: 'node-quickstart-1' });
try {
  await client.profiles.get({ customerUserId: 'node-quickstart-1' });
} catch (e) {
  if (!(e instanceof NotFoundError)) throw e;
  console.log(`deleted  a new get answers ${e.status} ${e.errorCode} (request ${e.requestId})`);
}

const users = [0, 1, 2, 3, 4].map((i) => `node-quickstart-bulk-${i}`);
await Promise.all(users.map((customerUserId) => client.profiles.create({ customerUserId })));
const results = await client.profiles.deleteMany(
  [...users, 'node-never-existed'].map((customerUserId) => ({ customerUserId })),
  { concurrency: 4 },
);
for (const r of results) console.log(`bulk     ${r.ref.customerUserId}: ${r.ok ? 'deleted' : r.error.message}`);

// Purchases: record a subscription bought elsewhere; its product grants the `premium` access level.
await client.profiles.create({ customerUserId: 'node-quickstart-buyer' });
const bought = new Date().toISOString();
const buyer = await client.purchases.setTransaction({
  customerUserId: 'node-quickstart-buyer',
  purchaseType: 'subscription',
  store: 'app_store',
  storeProductId: 'premium_monthly',
  storeTransactionId: '1000000123456789',
  storeOriginalTransactionId: '1000000123456789',
  price: { country: 'US', currency: 'USD', value: 4.99 },
  purchasedAt: bought,
  originallyPurchasedAt: bought,
  expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
  renewStatus: true,
});
const premium = buyer.accessLevels.find((a) => a.accessLevelId === 'premium');
console.log(`bought   premium until ${premium.expiresAt} (revenue $${buyer.totalRevenueUsd})`);
const revoked = await client.accessLevels.revoke({ customerUserId: 'node-quickstart-buyer', accessLevelId: 'premium' });
console.log(`revoked  premium now ends ${revoked.accessLevels.find((a) => a.accessLevelId === 'premium').expiresAt}`);

// Paywalls: `for await` fetches page after page as the loop reaches them.
for await (const paywall of client.paywalls.listAll({ pageSize: 2 })) {
  console.log(`paywall  ${paywall.paywallId} ${paywall.title} (${paywall.state})`);
}
