package io.adapty.server

import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Paywalls, each through its suspend function and its blocking twin. */
class PaywallsTest : FeatureTest() {
    @Test
    fun paywallsPagesAndUpdate() = bothStyles { blocking ->
        em.control("POST", "paywalls", obj("count" to 5, "replace" to true))
        em.control("DELETE", "journal")
        val first = if (blocking) c.paywalls.listBlocking(page = 1, pageSize = 2) else c.paywalls.list(page = 1, pageSize = 2)
        assertEquals(2, first.data.size)
        assertEquals("5 1 3", "${first.count} ${first.page} ${first.pages}")
        val second = if (blocking) {
            c.paywalls.listBlocking(
                pageSize = 2,
                cursor = first.nextCursor,
            )
        } else {
            c.paywalls.list(pageSize = 2, cursor = first.nextCursor)
        }
        assertEquals(2L, second.page)

        em.control("DELETE", "journal")
        val all = if (blocking) c.paywalls.listAllBlocking(pageSize = 2).toList() else c.paywalls.listAll(pageSize = 2).toList()
        assertEquals(5, all.map { it.paywallId }.toSet().size)
        assertEquals(first.data + second.data, all.take(4))
        assertEquals(3, sentTo("/paywalls"))
        // Lazy: taking one item fetches one page.
        em.control("DELETE", "journal")
        val one = if (blocking) c.paywalls.listAllBlocking(pageSize = 2).take(1).toList() else c.paywalls.listAll(pageSize = 2).take(1).toList()
        assertEquals(listOf(all[0]), one)
        assertEquals(1, sentTo("/paywalls"))

        val id = all[0].paywallId
        val configs =
            listOf(RemoteConfig(locale = "en", data = """{"title":"Go premium"}"""), RemoteConfig(locale = "fr", data = """{"title":"Passez premium"}"""))
        val updated = if (blocking) c.paywalls.updateBlocking(id, PaywallUpdateParams(configs)) else c.paywalls.update(id, PaywallUpdateParams(configs))
        assertEquals(configs.map { it.locale }, updated.remoteConfigs.map { it.locale })
        val fetched = if (blocking) c.paywalls.getBlocking(id) else c.paywalls.get(id)
        assertEquals(id, fetched.paywallId)
        assertEquals(updated.remoteConfigs, fetched.remoteConfigs)
        assertTrue("Go premium" in fetched.remoteConfigs[0].data)
    }
}
