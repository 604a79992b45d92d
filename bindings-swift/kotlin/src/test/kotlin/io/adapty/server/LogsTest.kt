package io.adapty.server

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.adapty_server_ffi.AdaptyException
import java.util.Collections
import java.util.logging.Handler
import java.util.logging.Level
import java.util.logging.LogRecord
import java.util.logging.Logger

/** The log lines through SLF4J (here bound to java.util.logging, whose records the test reads). */
class LogsTest : FeatureTest() {
    @Test
    fun `log lines reach slf4j by level, without the key`() {
        val records = Collections.synchronizedList(mutableListOf<LogRecord>())
        val jul = Logger.getLogger("adapty_server")
        val handler =
            object : Handler() {
                override fun publish(record: LogRecord) {
                    records.add(record)
                }

                override fun flush() = Unit

                override fun close() = Unit
            }
        jul.level = Level.INFO
        jul.addHandler(handler)
        try {
            em.control("POST", "faults", obj("method" to "GET", "status" to 503, "times" to 1))
            AdaptyClient(apiKey = KEY, baseUrl = em.baseUrl).use { client ->
                assertThrows<AdaptyException.Api> { client.profiles.getBlocking(ProfileRef.CustomerUserId("nobody")) }
            }
        } finally {
            jul.removeHandler(handler)
        }
        assertEquals(listOf(Level.WARNING, Level.SEVERE), records.map { it.level }, records.map { it.message }.toString())
        assertTrue(records[0].message.startsWith("profiles.get GET ") && "-> 503" in records[0].message, records[0].message)
        assertTrue("-> 404" in records[1].message, records[1].message)
        assertTrue(records.none { KEY in it.message })
    }
}
