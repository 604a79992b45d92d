// The process suite's programs in Kotlin (tests/process/run.py): one per scenario, chosen by
// the first argument, each a short program as a user would write it.
package io.adapty.server.process

import io.adapty.server.AdaptyClient
import io.adapty.server.AttributeValue
import io.adapty.server.ProfileFields
import io.adapty.server.ProfileRef
import io.adapty.server.set
import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.GlobalScope
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import uniffi.adapty_server_ffi.AdaptyException
import java.util.UUID
import java.util.concurrent.atomic.AtomicInteger
import kotlin.concurrent.thread
import kotlin.random.Random

fun main(args: Array<String>) {
    when (args[0]) {
        "sync_only" -> syncOnly()
        "async_only" -> asyncOnly()
        "mixed" -> mixed()
        "threads" -> threads()
        "in_flight" -> inFlight()
        "uncaught" -> uncaught()
        "sigint_sync" -> sigintSync(args[1])
        "sigint_async" -> sigintAsync(args[1])
        else -> error("unknown scenario ${args[0]}")
    }
}

private fun user(kind: String) = "proc-$kind-${UUID.randomUUID()}"

/** Create, read, update and delete one profile, then look for it again. */
private fun syncOnly() {
    val client = AdaptyClient()
    val user = ProfileRef.CustomerUserId(user("sync"))
    val created = client.profiles.createBlocking(
        user,
        ProfileFields(firstName = set("Ann"), customAttributes = set(mapOf("plan" to AttributeValue.of("gold")))),
    )
    val fetched = client.profiles.getBlocking(ProfileRef.ProfileId(created.profileId))
    val updated = client.profiles.updateBlocking(user, ProfileFields(customAttributes = set(mapOf("plan" to null, "logins" to AttributeValue.of(3)))))
    client.profiles.deleteBlocking(user)
    val gone = try {
        client.profiles.getBlocking(user)
        "found"
    } catch (e: AdaptyException.Api) {
        e.errorCode
    }
    check(fetched.customAttributes["plan"] == AttributeValue.of("gold") && updated.customAttributes == mapOf("logins" to AttributeValue.of(3)))
    println("sync: created, read, updated, deleted, then $gone")
}

/** Create 20 profiles concurrently, read them, delete them all. */
private fun asyncOnly() = runBlocking {
    val client = AdaptyClient()
    val users = List(20) { ProfileRef.CustomerUserId(user("async")) }
    val created = users.map { async { client.profiles.create(it) } }.awaitAll()
    val fetched = created.map { async { client.profiles.get(ProfileRef.ProfileId(it.profileId)) } }.awaitAll()
    val results = client.profiles.deleteMany(users)
    println("async: ${fetched.map { it.profileId }.toSet().size} created, ${results.count { it.ok }} deleted")
}

/** Blocking calls, then coroutines, in one program. */
private fun mixed() {
    val client = AdaptyClient()
    val user = user("mixed")
    val profile = client.profiles.createBlocking(ProfileRef.CustomerUserId(user))
    check(client.profiles.getBlocking(ProfileRef.ProfileId(profile.profileId)).customerUserId == user)
    val deleted = runBlocking {
        val users = List(20) { ProfileRef.CustomerUserId("$user-$it") }
        users.map { async { client.profiles.create(it) } }.awaitAll()
        client.profiles.deleteMany(listOf(ProfileRef.CustomerUserId(user)) + users).count { it.ok }
    }
    println("mixed: $deleted deleted")
}

/** 16 threads share one client. */
private fun threads() {
    val client = AdaptyClient()
    val run = UUID.randomUUID()
    val calls = AtomicInteger()
    val workers = List(16) { n ->
        thread {
            repeat(2) { i ->
                val user = "proc-threads-$run-$n-$i"
                val created = client.profiles.createBlocking(ProfileRef.CustomerUserId(user))
                check(client.profiles.getBlocking(ProfileRef.ProfileId(created.profileId)).customerUserId == user)
                client.profiles.deleteBlocking(ProfileRef.CustomerUserId(user))
                calls.addAndGet(3)
            }
        }
    }
    workers.forEach { it.join() }
    println("threads: ${workers.size} threads, $calls calls")
}

/** Calls still in flight when the program ends: daemon threads in blocking calls, coroutines
 * nobody waits for, a client never closed. */
@OptIn(DelicateCoroutinesApi::class)
private fun inFlight() {
    val client = AdaptyClient()
    val user = ProfileRef.CustomerUserId(user("inflight"))
    client.profiles.createBlocking(user)
    repeat(4) { thread(isDaemon = true) { while (true) client.profiles.getBlocking(user) } }
    repeat(20) { GlobalScope.launch { while (true) client.profiles.get(user) } }
    Thread.sleep(Random.nextLong(20))
    println("in flight: leaving")
}

/** An API error nobody catches reaches the top level. */
private fun uncaught() {
    AdaptyClient().profiles.getBlocking(ProfileRef.CustomerUserId(user("nobody")))
    println("not reached")
}

/** Ctrl-C during a slow blocking request (the harness slows it down, then sends SIGINT). */
private fun sigintSync(user: String) {
    val client = AdaptyClient()
    println("waiting")
    System.out.flush()
    client.profiles.getBlocking(ProfileRef.CustomerUserId(user))
    println("not reached")
}

/** Ctrl-C during a slow suspended request. */
private fun sigintAsync(user: String) = runBlocking {
    val client = AdaptyClient()
    println("waiting")
    System.out.flush()
    client.profiles.get(ProfileRef.CustomerUserId(user))
    println("not reached")
}
