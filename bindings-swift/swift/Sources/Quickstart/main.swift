// Quickstart: create, read, update and delete profiles, then delete many at once.
// Reads ADAPTY_API_KEY and ADAPTY_BASE_URL (`make demo` points them at a local emulator).
import AdaptyServer

let client = try AdaptyClient()
print("Talking to \(client.baseUrl)")

let profile = try await client.createProfile(
    .customerUserId("swift-quickstart-1"),
    ProfileFields(firstName: .value("Jane"), gender: .value(.f), customAttributes: .value(["plan": .string("gold"), "logins": .number(3)]),
                  installationMeta: .value(InstallationMeta(deviceId: "device-1", platform: .iOS)), platform: .value(.iOS)))
print("created  \(profile.profileId) for \(profile.customerUserId ?? "-")")

let fetched = try await client.getProfile(.profileId(profile.profileId))
print("fetched  attributes \(fetched.customAttributes), \(fetched.accessLevels.count) access levels")

// Only what you set is sent; .null clears a field, a nil attribute value deletes it.
let updated = try await client.updateProfile(.customerUserId("swift-quickstart-1"), ProfileFields(firstName: .null, customAttributes: .value(["plan": nil])))
print("updated  attributes now \(updated.customAttributes)")

do {
    _ = try await client.updateProfile(.customerUserId("swift-quickstart-1"), ProfileFields(birthday: .value("2001-02-29")))
} catch AdaptyError.Validation(let field, let rule, let detail) {
    print("refused  before sending: \(field) (\(rule)): \(detail)")
}

try await client.deleteProfile(.customerUserId("swift-quickstart-1"))
do {
    _ = try await client.getProfile(.customerUserId("swift-quickstart-1"))
} catch AdaptyError.Api(let status, let errorCode, _, let requestId, _, _) {
    print("deleted  a new get answers \(status) \(errorCode ?? "") (request \(requestId ?? "-"))")
}

let users = (0..<5).map { "swift-quickstart-bulk-\($0)" }
for user in users { _ = try await client.createProfile(.customerUserId(user)) }
let results = try await client.deleteProfiles((users + ["swift-never-existed"]).map(ProfileRef.customerUserId), concurrency: 4)
for result in results { print("bulk     \(result.ref): \(result.ok ? "deleted" : "\(result.error!)")") }
