import Foundation
import XCTest

@testable import AdaptyServer

/// The shared cases of access.json through `Profile.hasActiveAccess` (PurchasesTests asks it of
/// profiles the emulator returns).
final class HasActiveAccessTests: XCTestCase {
    let dir = URL(fileURLWithPath: ProcessInfo.processInfo.environment["ADAPTY_VECTORS"]!).deletingLastPathComponent()

    /// A profile holding `levels`, decoded as every result is, from the core's JSON.
    func profile(_ levels: Any) throws -> Profile {
        let json = try JSONSerialization.data(withJSONObject: ["app_id": "app", "profile_id": "p", "access_levels": levels])
        return try decoder.decode(Profile.self, from: json)
    }

    func testSharedVectors() throws {
        let doc = try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("access.json"))) as! [String: Any]
        let cases = doc["cases"] as! [[String: Any]]
        XCTAssertGreaterThan(cases.count, 20)
        let instant = ISO8601DateFormatter()
        instant.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for c in cases {
            let name = c["name"] as! String
            let given = try profile(c["access_levels"]!)
            let id = c["access_level_id"] as! String
            let got: Bool
            if let at = c["at"] as? String {
                let date = try XCTUnwrap(instant.date(from: at) ?? ISO8601DateFormatter().date(from: at), name)
                got = try given.hasActiveAccess(id, at: date)
            } else {
                got = try given.hasActiveAccess(id)
            }
            XCTAssertEqual(got, c["expect"] as! Bool, name)
        }
    }
}
