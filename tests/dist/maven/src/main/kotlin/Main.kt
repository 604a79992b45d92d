// A user's first program: the jar's library loads (JNA, from inside the jar) and a call round-trips
// to the emulator that `adapty-emulator exec` points ADAPTY_BASE_URL at.
import io.adapty.server.AdaptyClient
import io.adapty.server.ProfileRef
import kotlinx.coroutines.runBlocking

fun main() = runBlocking {
    val client = AdaptyClient()
    val profile = client.profiles.create(ProfileRef.CustomerUserId("maven-user"))
    check(profile.customerUserId == "maven-user") { "created ${profile.customerUserId}" }
    val fetched = client.profiles.getBlocking(ProfileRef.CustomerUserId("maven-user"))
    println("profile ${fetched.profileId} for ${fetched.customerUserId} through the released jar")
}
