// The fault soak's Swift program: tests/faults/run.py sets the scene, runs this, and checks what
// it reports against the emulator. Deletes with one call, transacts from 32 tasks.
import AdaptyServer
import Foundation

let env = ProcessInfo.processInfo.environment
// Retries enough that no call runs out of them under 10% faults (0.1^7 per call).
let client = try AdaptyClient(timeout: Double(env["SOAK_TIMEOUT"]!)!, maxRetries: 6)
let refs = (0..<Int(env["SOAK_PROFILES"]!)!).map { ProfileRef.customerUserId("soak-\($0)") }
let amounts = env["SOAK_AMOUNTS"]!.split(separator: ",").map { Int64($0)! }
let wallet = ProfileRef.customerUserId(env["SOAK_WALLET"]!)

let deletes = try await client.profiles.deleteMany(refs, concurrency: 32).map { result -> [String: Any] in
    guard case .customerUserId(let id) = result.ref else { fatalError("a ref we did not send") }
    return ["ref": id, "ok": result.ok]
}
var made = [Bool](repeating: false, count: amounts.count)
try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
    var next = 0
    func start() {
        let i = next
        next += 1
        group.addTask {
            do {
                _ = try await client.virtualCurrency.createTransaction(wallet, VirtualCurrencyTransactionParams(items: [VirtualCurrencyItem(currencyCode: "COINS", amount: amounts[i])]))
                return (i, true)
            } catch is AdaptyError {
                return (i, false)
            }
        }
    }
    while next < min(32, amounts.count) { start() }
    for try await (i, ok) in group {
        made[i] = ok
        if next < amounts.count { start() }
    }
}
let transactions = zip(amounts, made).map { ["amount": $0, "ok": $1] as [String: Any] }
let report = try JSONSerialization.data(withJSONObject: ["deletes": deletes, "transactions": transactions])
print(String(data: report, encoding: .utf8)!)
