// The fault soak's Kotlin program: tests/faults/run.py sets the scene, runs this, and checks what
// it reports against the emulator. Deletes with a suspend call, transacts from 32 coroutines.
package io.adapty.server.faults

import io.adapty.server.AdaptyClient
import io.adapty.server.ProfileRef
import io.adapty.server.VirtualCurrencyItem
import io.adapty.server.VirtualCurrencyTransactionParams
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.sync.Semaphore
import kotlinx.coroutines.sync.withPermit
import uniffi.adapty_server_ffi.AdaptyException

fun main() = runBlocking {
    // Retries enough that no call runs out of them under 10% faults (0.1^7 per call).
    val client = AdaptyClient(timeoutSeconds = System.getenv("SOAK_TIMEOUT").toDouble(), maxRetries = 6)
    val refs = List(System.getenv("SOAK_PROFILES").toInt()) { ProfileRef.CustomerUserId("soak-$it") }
    val amounts = System.getenv("SOAK_AMOUNTS").split(",").map { it.toLong() }
    val wallet = ProfileRef.CustomerUserId(System.getenv("SOAK_WALLET"))

    val deletes = client.profiles.deleteMany(refs, concurrency = 32).map { "{\"ref\":\"${(it.ref as ProfileRef.CustomerUserId).id}\",\"ok\":${it.ok}}" }
    val slots = Semaphore(32)
    val made = amounts.map { amount ->
        async {
            slots.withPermit {
                try {
                    client.virtualCurrency.createTransaction(wallet, VirtualCurrencyTransactionParams(listOf(VirtualCurrencyItem("COINS", amount))))
                    true
                } catch (e: AdaptyException) {
                    false
                }
            }
        }
    }.awaitAll()
    val transactions = amounts.zip(made).map { (amount, ok) -> "{\"amount\":$amount,\"ok\":$ok}" }
    println("{\"deletes\":[${deletes.joinToString(",")}],\"transactions\":[${transactions.joinToString(",")}]}")
}
