// What some generated models (Models.swift) can answer beyond their data, each a call into the
// core, which holds the rule.
import Foundation

extension Profile {
    /// Whether the profile has the access level `accessLevelId` (e.g. `"premium"`) at `at`
    /// (default: now).
    ///
    /// The server-side API has no `isActive`; the core derives it as Adapty's guide says: a level
    /// of that id whose `startsAt` is nil or not after `at`, and whose `expiresAt` is nil
    /// (lifetime) or after `at`, or that is in a grace period. A refunded level
    /// (`cancellationReason == "refund"`) is never active. A level the profile does not have
    /// gives `false`.
    ///
    /// - Throws: `AdaptyError.Validation` for an `at` outside the years 0000-9999 (field `at`).
    public func hasActiveAccess(_ accessLevelId: String, at: Date = Date()) throws -> Bool {
        let levels = String(decoding: try encoder.encode(accessLevels), as: UTF8.self)
        let instant = ISO8601DateFormatter()
        instant.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return try hasActiveAccessJson(accessLevelsJson: levels, accessLevelId: accessLevelId, at: instant.string(from: at))
    }
}
