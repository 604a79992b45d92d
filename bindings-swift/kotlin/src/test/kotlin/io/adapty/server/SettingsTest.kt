package io.adapty.server

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** Refund Saver and integration identifiers, each through its suspend function and its blocking twin. */
class SettingsTest : FeatureTest() {
    @Test
    fun refundSaverSettings() = bothStyles { blocking ->
        val ref = profile()
        val before = if (blocking) c.refundSaver.getBlocking(ref) else c.refundSaver.get(ref)
        assertEquals(RefundSaverPreferences(consent = false, customPreference = "no_preference"), before.settings)
        val params = RefundSaverParams(customPreference = "grant", consent = true)
        val set = if (blocking) c.refundSaver.setBlocking(ref, params) else c.refundSaver.set(ref, params)
        assertEquals(RefundSaverPreferences(consent = true, customPreference = "grant"), set.settings)
        val after = if (blocking) c.refundSaver.getBlocking(ref) else c.refundSaver.get(ref)
        assertEquals(set, after)
        assertEquals(before.profileId, after.profileId)
    }

    @Test
    fun integrationIdentifiers() = bothStyles { blocking ->
        val ref = profile()
        val first = IntegrationIdentifiers(amplitudeUserId = "amp-1", mixpanelUserId = "mix-1")
        if (blocking) c.integrations.setBlocking(ref, first) else c.integrations.set(ref, first)
        assertEquals(
            obj("amplitude_user_id" to "amp-1", "mixpanel_user_id" to "mix-1"),
            Json.parseToJsonElement(em.journal().last().jsonObject["body"]!!.jsonPrimitive.content),
        )
        val second = IntegrationIdentifiers(appsflyerId = "af-1")
        if (blocking) c.integrations.setBlocking(ref, second) else c.integrations.set(ref, second)
        val ids = if (blocking) c.integrations.getBlocking(ref) else c.integrations.get(ref)
        assertEquals(IntegrationIdentifiers(amplitudeUserId = "amp-1", mixpanelUserId = "mix-1", appsflyerId = "af-1"), ids)
    }
}
