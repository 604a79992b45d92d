package io.adapty.server

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.boolean
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestFactory
import org.junit.jupiter.api.assertThrows
import uniffi.adapty_server_ffi.AdaptyException
import java.io.File
import java.time.Instant

/** The shared cases of tests/vectors/access.json through [Profile.hasActiveAccess] (PurchasesTest asks it of profiles the emulator returns). */
class HasActiveAccessTest {
    /** A profile holding [levels], decoded as every result is, from the core's JSON. */
    private fun profileOf(levels: JsonArray): Profile {
        val json = JsonObject(mapOf("app_id" to JsonPrimitive("app"), "profile_id" to JsonPrimitive("p"), "access_levels" to levels))
        return modelJson.decodeFromString(Profile.serializer(), json.toString())
    }

    @TestFactory
    fun sharedVectors(): List<DynamicTest> {
        val file = File(System.getProperty("repo.root"), "tests/vectors/access.json")
        val cases = Json.parseToJsonElement(file.readText()).jsonObject["cases"]!!.jsonArray.map { it.jsonObject }
        return cases.map { c ->
            DynamicTest.dynamicTest(c["name"]!!.jsonPrimitive.content) {
                val profile = profileOf(c["access_levels"]!!.jsonArray)
                val id = c["access_level_id"]!!.jsonPrimitive.content
                val at = c["at"]?.jsonPrimitive?.content
                val got = if (at == null) profile.hasActiveAccess(id) else profile.hasActiveAccess(id, Instant.parse(at))
                assertEquals(c["expect"]!!.jsonPrimitive.boolean, got)
            }
        }
    }

    @Test
    fun anInstantOutsideRfc3339IsRefused() {
        val e =
            assertThrows<AdaptyException.Validation> { profileOf(JsonArray(emptyList())).hasActiveAccess("premium", Instant.parse("+10000-01-01T00:00:00Z")) }
        assertEquals("at", e.field)
    }
}
