// The process suite's programs in Swift (tests/process/run.py): one per scenario, chosen by the
// first argument, each a short program as a user would write it.
import AdaptyServer
import Foundation

func user(_ kind: String) -> String { "proc-\(kind)-\(UUID().uuidString)" }

/// Create, read, update and delete one profile, then look for it again.
func syncOnly() throws {
    let client = try AdaptyClient()
    let user = ProfileRef.customerUserId(user("sync"))
    let created = try client.profiles.createBlocking(user, ProfileFields(firstName: .value("Ann"), customAttributes: .value(["plan": .string("gold")])))
    let fetched = try client.profiles.getBlocking(.profileId(created.profileId))
    let updated = try client.profiles.updateBlocking(user, ProfileFields(customAttributes: .value(["plan": nil, "logins": .number(3)])))
    try client.profiles.deleteBlocking(user)
    var gone = "found"
    do {
        _ = try client.profiles.getBlocking(user)
    } catch AdaptyError.Api(_, let errorCode, _, _, _, _) {
        gone = errorCode ?? "-"
    }
    precondition(fetched.customAttributes["plan"] == .string("gold") && updated.customAttributes == ["logins": .number(3)])
    print("sync: created, read, updated, deleted, then \(gone)")
}

/// Create 20 profiles concurrently, read them, delete them all.
func asyncOnly() async throws {
    let client = try AdaptyClient()
    let users = (0..<20).map { _ in ProfileRef.customerUserId(user("async")) }
    let ids = try await withThrowingTaskGroup(of: String.self) { group in
        for u in users { group.addTask { try await client.profiles.create(u).profileId } }
        return try await group.reduce(into: [String]()) { $0.append($1) }
    }
    let fetched = try await withThrowingTaskGroup(of: String.self) { group in
        for id in ids { group.addTask { try await client.profiles.get(.profileId(id)).profileId } }
        return try await group.reduce(into: Set<String>()) { $0.insert($1) }
    }
    let results = try await client.profiles.deleteMany(users)
    print("async: \(fetched.count) created, \(results.filter(\.ok).count) deleted")
}

/// Blocking calls, then concurrent tasks, in one program.
func mixed() async throws {
    let client = try AdaptyClient()
    let name = user("mixed")
    let profile = try client.profiles.createBlocking(.customerUserId(name))
    let fetched = try client.profiles.getBlocking(.profileId(profile.profileId))
    precondition(fetched.customerUserId == name)
    let users = (0..<20).map { ProfileRef.customerUserId("\(name)-\($0)") }
    try await withThrowingTaskGroup(of: Void.self) { group in
        for u in users { group.addTask { _ = try await client.profiles.create(u) } }
        try await group.waitForAll()
    }
    let results = try await client.profiles.deleteMany([.customerUserId(name)] + users)
    print("mixed: \(results.filter(\.ok).count) deleted")
}

/// 16 threads share one client.
func threads() throws {
    let client = try AdaptyClient()
    let run = UUID().uuidString
    let calls = NSLock()
    var count = 0
    DispatchQueue.concurrentPerform(iterations: 16) { n in
        for i in 0..<2 {
            let name = "proc-threads-\(run)-\(n)-\(i)"
            let created = try! client.profiles.createBlocking(.customerUserId(name))
            precondition(try! client.profiles.getBlocking(.profileId(created.profileId)).customerUserId == name)
            try! client.profiles.deleteBlocking(.customerUserId(name))
            calls.lock()
            count += 3
            calls.unlock()
        }
    }
    print("threads: 16 threads, \(count) calls")
}

/// Calls still in flight when the program ends: threads in blocking calls, tasks nobody awaits,
/// a client never released.
func inFlight() async throws {
    let client = try AdaptyClient()
    let name = ProfileRef.customerUserId(user("inflight"))
    _ = try await client.profiles.create(name)
    for _ in 0..<4 {
        Thread.detachNewThread { while true { _ = try? client.profiles.getBlocking(name) } }
    }
    for _ in 0..<20 {
        Task.detached { while true { _ = try? await client.profiles.get(name) } }
    }
    try await Task.sleep(nanoseconds: UInt64.random(in: 0..<20_000_000))
    print("in flight: leaving")
}

/// An API error reaches the top level. Swift traps on an error escaping `main`, so a program
/// reports it and exits 1, as command-line tools do.
func uncaught() async {
    do {
        _ = try await AdaptyClient().profiles.get(.customerUserId(user("nobody")))
        print("not reached")
    } catch {
        FileHandle.standardError.write("Error: \(error)\n".data(using: .utf8)!)
        exit(1)
    }
}

/// Ctrl-C during a slow blocking request (the harness slows it down, then sends SIGINT).
func sigintSync(_ name: String) throws {
    let client = try AdaptyClient()
    print("waiting")
    fflush(stdout)
    _ = try client.profiles.getBlocking(.customerUserId(name))
    print("not reached")
}

/// Ctrl-C during a slow awaited request.
func sigintAsync(_ name: String) async throws {
    let client = try AdaptyClient()
    print("waiting")
    fflush(stdout)
    _ = try await client.profiles.get(.customerUserId(name))
    print("not reached")
}

let args = CommandLine.arguments
switch args[1] {
case "sync_only": try syncOnly()
case "async_only": try await asyncOnly()
case "mixed": try await mixed()
case "threads": try threads()
case "in_flight": try await inFlight()
case "uncaught": await uncaught()
case "sigint_sync": try sigintSync(args[2])
case "sigint_async": try await sigintAsync(args[2])
default: fatalError("unknown scenario \(args[1])")
}
