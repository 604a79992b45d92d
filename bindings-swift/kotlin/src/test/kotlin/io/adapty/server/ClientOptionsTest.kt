package io.adapty.server

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.adapty_server_ffi.AdaptyException

/** The client's options as the core reads them. */
class ClientOptionsTest : FeatureTest() {
    @Test
    fun connectTimeoutOption() = bothStyles { blocking ->
        val ref = profile()
        AdaptyClient(apiKey = KEY, baseUrl = em.baseUrl, timeoutSeconds = 5.0, connectTimeoutSeconds = 2.5, maxRetries = 0).use { client ->
            val p = if (blocking) client.profiles.getBlocking(ref) else client.profiles.get(ref)
            assertEquals(ref.id, p.customerUserId)
        }
        val e = assertThrows<AdaptyException.Validation> { AdaptyClient(apiKey = KEY, baseUrl = em.baseUrl, connectTimeoutSeconds = -1.0) }
        assertEquals("connect_timeout", e.field)
    }
}
