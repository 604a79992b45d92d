// Quickstart: create, read, update and delete profiles, then delete many at once; record a
// subscription, revoke its access level, and page through paywalls.
// Reads ADAPTY_API_KEY and ADAPTY_BASE_URL (`make demo` points them at a local emulator).
import AdaptyServer
import Foundation

let client = try AdaptyClient()
print("Talking to \(client.baseUrl)")

let profile = try await client.profiles.create(
    .customerUserId("swift-quickstart-1"),
    ProfileFields(
        firstName: .value("Jane"), gender: .value(.f), customAttributes: .value(["plan": .string("gold"), "logins": .number(3)]),
        installationMeta: .value(InstallationMeta(deviceId: "device-1", platform: .iOS)), platform: .value(.iOS)))
print("created  \(profile.profileId) for \(profile.customerUserId ?? "-")")

let fetched = try await client.profiles.get(.profileId(profile.profileId))
print("fetched  attributes \(fetched.customAttributes), \(fetched.accessLevels.count) access levels")

// Only what you set is sent; .null clears a field, a nil attribute value deletes it.
let updated = try await client.profiles.update(
    .customerUserId("swift-quickstart-1"), ProfileFields(firstName: .null, customAttributes: .value(["plan": nil])))
print("updated  attributes now \(updated.customAttributes)")

do {
    _ = try await client.profiles.update(.customerUserId("swift-quickstart-1"), ProfileFields(birthday: .value("2001-02-29")))
} catch AdaptyError.Validation(let field, let rule, _, let detail) {
    print("refused  before sending: \(field) (\(rule)): \(detail)")
}

try await client.profiles.delete(.customerUserId("swift-quickstart-1"))
do {
    _ = try await client.profiles.get(.customerUserId("swift-quickstart-1"))
} catch AdaptyError.Api(let status, let errorCode, _, let requestId, _, _) {
    print("deleted  a new get answers \(status) \(errorCode ?? "") (request \(requestId ?? "-"))")
}

let users = (0..<5).map { "swift-quickstart-bulk-\($0)" }
for user in users { _ = try await client.profiles.create(.customerUserId(user)) }
let results = try await client.profiles.deleteMany((users + ["swift-never-existed"]).map(ProfileRef.customerUserId), concurrency: 4)
for result in results { print("bulk     \(result.ref): \(result.ok ? "deleted" : "\(result.error!)")") }

// A subscription bought yesterday, renewing monthly, gives the `premium` access level.
let buyer = ProfileRef.customerUserId("swift-quickstart-buyer")
_ = try await client.profiles.create(buyer)
let now = Date()
let bought = try await client.purchases.setTransaction(
    buyer,
    TransactionParams(
        purchaseType: .subscription, store: "app_store", storeProductId: "premium_monthly",
        storeTransactionId: "1000000123456789", storeOriginalTransactionId: "1000000123456789",
        price: Price(country: "US", currency: "USD", value: 9.99), purchasedAt: now - 86400,
        originallyPurchasedAt: now - 86400, expiresAt: now + 29 * 86400, renewStatus: true))
for level in bought.accessLevels {
    print("access   \(level.accessLevelId) until \(level.expiresAt.map { "\($0)" } ?? "forever")")
}
let revoked = try await client.accessLevels.revoke(buyer, RevokeAccessParams(accessLevelId: "premium"))
for level in revoked.accessLevels {
    print("revoked  \(level.accessLevelId) ended \(level.expiresAt.map { "\($0)" } ?? "-") (\(level.cancellationReason ?? "-"))")
}
try await client.profiles.delete(buyer)

// Paywalls come a page at a time; listAll fetches the next page as you read.
let firstPage = try await client.paywalls.list(pageSize: 2)
print("paywalls \(firstPage.count) in \(firstPage.pages) pages of 2")
for try await paywall in client.paywalls.listAll(pageSize: 2) {
    print("paywall  \(paywall.paywallId) \(paywall.title) (\(paywall.state))")
}
