// A user's first program: the library linked from the artifact bundle, and a call that round-trips
// to the emulator `adapty-emulator exec` points ADAPTY_BASE_URL at.
import AdaptyServer

let client = try AdaptyClient()
let profile = try await client.profiles.create(.customerUserId("swift-dist-user"))
guard profile.customerUserId == "swift-dist-user" else { fatalError("created \(String(describing: profile.customerUserId))") }
let fetched = try await client.profiles.get(.profileId(profile.profileId))
print("profile \(fetched.profileId) for \(fetched.customerUserId ?? "-") through the released package")
