package io.adapty.server

import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import uniffi.adapty_server_ffi.AdaptyException
import java.util.UUID

/** Purchases and access levels, each through its suspend function and its blocking twin. */
class PurchasesTest : FeatureTest() {
    @Test
    fun subscriptionGivesPremiumThenRevokeAndGrant() = bothStyles { blocking ->
        val ref = profile()
        val params = subscription(now().minusDays(1), now().plusDays(29))
        val bought = if (blocking) c.purchases.setTransactionBlocking(ref, params) else c.purchases.setTransaction(ref, params)
        assertTrue(bought.hasActiveAccess("premium"), bought.accessLevels.toString())
        assertTrue(!bought.hasActiveAccess("gold"))
        assertTrue(!bought.hasActiveAccess("premium", bought.accessLevels.single().expiresAt!!.toInstant()), "ended at its expires_at")
        assertEquals("premium_monthly", bought.subscriptions.single().storeProductId)
        val body = em.journal().last().jsonObject["body"]!!.jsonPrimitive.content
        assertTrue("\"purchase_type\":\"subscription\"" in body && "\"refunded_at\"" !in body, body)

        val revoke = RevokeAccessParams(accessLevelId = "premium")
        val revoked = if (blocking) c.accessLevels.revokeBlocking(ref, revoke) else c.accessLevels.revoke(ref, revoke)
        assertTrue(!revoked.hasActiveAccess("premium"), revoked.accessLevels.toString())
        assertEquals("adapty_revoked", revoked.accessLevels.single().cancellationReason)

        val grant = GrantAccessParams(accessLevelId = "premium", expiresAt = now().plusYears(1))
        val granted = if (blocking) c.accessLevels.grantBlocking(ref, grant) else c.accessLevels.grant(ref, grant)
        assertTrue(granted.hasActiveAccess("premium"))

        val e = assertThrows<AdaptyException.Api> {
            val gold = GrantAccessParams(accessLevelId = "gold")
            if (blocking) c.accessLevels.grantBlocking(ref, gold) else runBlocking { c.accessLevels.grant(ref, gold) }
        }
        assertEquals(400, e.status)
        assertEquals("paid_access_level_does_not_exist", e.errorCode)
    }

    @Test
    fun validationHappensBeforeAnyRequest() = bothStyles { blocking ->
        val ref = profile()
        em.control("DELETE", "journal")
        val params = subscription(now().minusDays(1), now().minusDays(2))
        val e =
            assertThrows<AdaptyException.Validation> {
                if (blocking) c.purchases.setTransactionBlocking(ref, params) else runBlocking { c.purchases.setTransaction(ref, params) }
            }
        assertEquals("expires_at", e.field)
        assertEquals("expires_date_error", e.errorCode)
        assertTrue("expires_date_error" in e.detail, e.detail)
        assertEquals(0, em.journal().size)
    }

    @Test
    fun stripeAndPaddleImports() = bothStyles { blocking ->
        val stripeUser = "kt-stripe-${UUID.randomUUID()}"
        val stripe = StripeValidationParams(customerUserId = stripeUser, stripeToken = "sub_1MowQVLkdIwHu7ixeRlqHVzs")
        if (blocking) c.purchases.validateStripeBlocking(stripe) else c.purchases.validateStripe(stripe)
        assertTrue(c.profiles.get(ProfileRef.CustomerUserId(stripeUser)).hasActiveAccess("premium"))

        val paddleUser = "kt-paddle-${UUID.randomUUID()}"
        val paddle = PaddleValidationParams(customerUserId = paddleUser, paddleToken = "txn_01h8bkbzdq3v4fb1jpqhz6cvsv")
        val profile = if (blocking) c.purchases.validatePaddleBlocking(paddle) else c.purchases.validatePaddle(paddle)
        assertEquals(paddleUser, profile.customerUserId)
        assertTrue(profile.hasActiveAccess("premium"))
    }
}
