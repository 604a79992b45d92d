// What some generated models (Models.kt) can answer beyond their data, each a call into the core,
// which holds the rule.
package io.adapty.server

import kotlinx.serialization.builtins.ListSerializer
import uniffi.adapty_server_ffi.hasActiveAccessJson
import java.time.Instant

/**
 * Whether the profile has the access level [accessLevelId] (e.g. `"premium"`) at [at] (default: now).
 *
 * The server-side API has no `isActive`; the core derives it as Adapty's guide says: a level of
 * that id whose `startsAt` is null or not after [at], and whose `expiresAt` is null (lifetime) or
 * after [at], or that is in a grace period. A refunded level (`cancellationReason == "refund"`) is
 * never active. A level the profile does not have gives `false`.
 *
 * @throws AdaptyException.Validation [at] is outside the years 0000-9999 (field `at`).
 */
fun Profile.hasActiveAccess(accessLevelId: String, at: Instant = Instant.now()): Boolean {
    val levels = modelJson.encodeToString(ListSerializer(AccessLevel.serializer()), accessLevels)
    return hasActiveAccessJson(levels, accessLevelId, at.toString())
}
