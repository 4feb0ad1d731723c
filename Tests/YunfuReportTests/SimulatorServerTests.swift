import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing
import YunfuSimulator

/// One answer as a client saw it.
private struct Reply: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: [UInt8]

    func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The envelope's `code`, when the body is a JSON object holding one.
    var envelopeCode: Int? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        return object["code"] as? Int
    }

    var isJSON: Bool {
        (try? JSONSerialization.jsonObject(with: Data(body))) != nil
    }
}

private let clientConfiguration: HTTPClient.Configuration = {
    var configuration = HTTPClient.Configuration()
    configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
    configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
    return configuration
}()

/// GET `base + target` (target sent as is: already percent-encoded).
private func get(_ client: HTTPClient, _ base: String, _ target: String, headers: [(String, String)] = []) async throws -> Reply {
    var request = HTTPClientRequest(url: base + target)
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    let response = try await client.execute(request, timeout: .seconds(10))
    let buffer = try await response.body.collect(upTo: 1 << 24)
    return Reply(
        status: Int(response.status.code),
        headers: response.headers.map { ($0.name, $0.value) },
        body: Array(buffer.readableBytesView)
    )
}

/// Runs `body` against a started platform with a fresh client, shutting both down after.
private func withServer<T: Sendable>(
    _ platform: SimulatedPlatform,
    _ body: (HTTPClient, String) async throws -> T
) async throws -> T {
    try await platform.withRunning { base in
        try await HTTPClient.withHTTPClient(configuration: clientConfiguration) { client in
            try await body(client, base)
        }
    }
}

private func smallPlatform(_ options: SimulatorOptions = SimulatorOptions(fleet: FleetSpec(users: 3, subsPerUser: 2, seed: 42))) -> SimulatedPlatform {
    SimulatedPlatform(options: options)
}

@Suite("Simulated platform over loopback")
struct SimulatorServerTests {
    @Test func servesEachAccountItsAnswerAndCountsRequests() async throws {
        let platform = smallPlatform()
        try await withServer(platform) { client, base in
            for account in platform.accounts {
                let reply = try await get(client, base, account.requestPath)
                #expect(reply.status == 200)
                #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
                #expect(reply.body == platform.answer(for: account))
                #expect(reply.envelopeCode == 200)
            }
            let first = try #require(platform.accounts.first)
            _ = try await get(client, base, first.requestPath)
            let stats = platform.stats()
            #expect(stats.requests == platform.accounts.count + 1)
            #expect(stats.perAccount[first.key] == 2)
            #expect(stats.perAccount.count == platform.accounts.count)
            #expect(stats.inFlight == 0)
            #expect(stats.firstRequestAt != nil)
            #expect((stats.lastResponseAt ?? 0) >= (stats.firstRequestAt ?? .infinity))

            // The same figures over HTTP, with snake_case keys.
            let served = try await get(client, base, "/__stats")
            #expect(served.status == 200)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(served.body)) as? [String: Any])
            #expect(object["requests"] as? Int == platform.accounts.count + 1)
            #expect(object["max_in_flight"] != nil && object["per_account"] != nil && object["mean_in_flight"] != nil)
            #expect(try SimulatorStats.decode(served.body).requests == stats.requests)

            platform.resetStats()
            #expect(platform.stats() == SimulatorStats())
        }
    }

    @Test(arguments: [
        SimAccount(userID: "a/b+c;d%e f"),
        SimAccount(userID: "华东 一部/+", subUserID: "x/y+z;%2F 空格"),
        SimAccount(userID: "5832d184-dd53-42a0-8ace-0bf8d660f4cc", subUserID: "销售+二组/🚀"),
        SimAccount(userID: "e\u{301}cole", subUserID: "\u{e9}cole"),
    ])
    func idsWithOddCharactersArriveIntact(account: SimAccount) async throws {
        let platform = smallPlatform()
        let body = Array(#"{"code":200,"status":"success","message":"ok","data":{}}"#.utf8)
        platform.setAnswer(body, for: account)
        try await withServer(platform) { client, base in
            let reply = try await get(client, base, account.requestPath)
            #expect(reply.status == 200)
            #expect(reply.body == body)
            #expect(platform.stats().perAccount == [account.key: 1])
        }
    }

    @Test func queryDecodesPlusAsSpaceAndPathKeepsPlus() async throws {
        let platform = smallPlatform()
        let spaced = SimAccount(userID: "u+1", subUserID: "a b")
        let plussed = SimAccount(userID: "u+1", subUserID: "a+b")
        platform.setAnswer(Array(#"{"code":200,"data":{"which":"space"}}"#.utf8), for: spaced)
        platform.setAnswer(Array(#"{"code":200,"data":{"which":"plus"}}"#.utf8), for: plussed)
        try await withServer(platform) { client, base in
            // A raw `+` in the path is a plus; in the query it is a space (as the PHP backend reads it).
            let raw = try await get(client, base, "/agent-api/new/user/u+1/task/create?sub_user_id=a+b")
            #expect(String(decoding: raw.body, as: UTF8.self).contains("space"))
            let encoded = try await get(client, base, "/agent-api/new/user/u%2B1/task/create?sub_user_id=a%2Bb")
            #expect(String(decoding: encoded.body, as: UTF8.self).contains("plus"))
            // `%2F` inside the path segment is part of the id, not a separator.
            let slash = SimAccount(userID: "a/b")
            platform.setAnswer(Array(#"{"code":200,"data":{"which":"slash"}}"#.utf8), for: slash)
            let slashed = try await get(client, base, "/agent-api/new/user/a%2Fb/task/create")
            #expect(String(decoding: slashed.body, as: UTF8.self).contains("slash"))
            let split = try await get(client, base, "/agent-api/new/user/a/b/task/create")
            #expect(split.status == 404)
        }
    }

    @Test func unknownAndRemovedAccountsAreNotFound() async throws {
        let platform = smallPlatform()
        let known = try #require(platform.accounts.last)
        platform.removeAnswer(for: known)
        try await withServer(platform) { client, base in
            let unknown = try await get(client, base, SimAccount(userID: "nobody").requestPath)
            #expect(unknown.status == 404)
            let removed = try await get(client, base, known.requestPath)
            #expect(removed.status == 404)
            #expect(platform.answer(for: known) == nil)
            let other = try await get(client, base, "/somewhere/else")
            #expect(other.status == 404)
            #expect(platform.stats().requests == 2)
        }
    }

    @Test func requestsWithoutTheExpectedCredentialGetEnvelope401() async throws {
        var options = SimulatorOptions(fleet: FleetSpec(users: 1, subsPerUser: 0, seed: 3))
        options.expectedAuth = (header: "Authorization", value: "Bearer s3cret")
        let platform = smallPlatform(options)
        let account = try #require(platform.accounts.first)
        try await withServer(platform) { client, base in
            let missing = try await get(client, base, account.requestPath)
            #expect(missing.status == 200)
            #expect(missing.envelopeCode == 401)
            let wrong = try await get(client, base, account.requestPath, headers: [("Authorization", "Bearer nope")])
            #expect(wrong.envelopeCode == 401)
            let right = try await get(client, base, account.requestPath, headers: [("Authorization", "Bearer s3cret")])
            #expect(right.envelopeCode == 200)
            #expect(right.body == platform.answer(for: account))
            #expect(platform.stats().requests == 3)
        }
    }

    @Test func plannedFaultsAreObservableAndThenAnswersAreNormal() async throws {
        let platform = smallPlatform()
        let account = try #require(platform.accounts.first)
        let retryDate = Date(timeIntervalSince1970: 1_900_000_000)
        platform.plan([
            .status(503), .status(500), .tooManyRequests(.seconds(3)), .tooManyRequests(.httpDate(retryDate)),
            .tooManyRequests(nil), .html502, .truncatedJSON, .htmlPage,
            .envelopeError(code: 401, message: "token expired"), .notFound,
        ], for: account)
        try await withServer(platform) { client, base in
            func next() async throws -> Reply { try await get(client, base, account.requestPath) }

            let r503 = try await next()
            #expect(r503.status == 503)
            let r500 = try await next()
            #expect(r500.status == 500)
            let r429 = try await next()
            #expect(r429.status == 429)
            #expect(r429.header("Retry-After") == "3")
            let r429date = try await next()
            #expect(r429date.status == 429)
            #expect(r429date.header("Retry-After") == "Sun, 17 Mar 2030 17:46:40 GMT")
            let r429bare = try await next()
            #expect(r429bare.status == 429 && r429bare.header("Retry-After") == nil)
            let r502 = try await next()
            #expect(r502.status == 502)
            #expect(r502.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(!r502.isJSON)
            let truncated = try await next()
            #expect(truncated.status == 200)
            #expect(!truncated.isJSON)
            #expect(truncated.body.count < (platform.answer(for: account)?.count ?? 0))
            let html = try await next()
            #expect(html.status == 200 && html.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(!html.isJSON)
            let envelope = try await next()
            #expect(envelope.status == 200 && envelope.envelopeCode == 401)
            #expect(String(decoding: envelope.body, as: UTF8.self).contains("token expired"))
            let missing = try await next()
            #expect(missing.status == 404)

            let normal = try await next()
            #expect(normal.status == 200 && normal.body == platform.answer(for: account))
            #expect(platform.stats().requests == 11)
        }
    }

    @Test func closedConnectionIsAClientErrorAndSlowAnswersAreLate() async throws {
        let platform = smallPlatform()
        let account = try #require(platform.accounts.first)
        platform.plan([.closeConnection, .slow(seconds: 0.3)], for: account)
        try await withServer(platform) { client, base in
            await #expect(throws: (any Error).self) {
                _ = try await get(client, base, account.requestPath)
            }
            let start = ContinuousClock.now
            let slow = try await get(client, base, account.requestPath)
            #expect(ContinuousClock.now - start >= .milliseconds(290))
            #expect(slow.status == 200 && slow.body == platform.answer(for: account))
            let stats = platform.stats()
            #expect(stats.requests == 2)
            #expect(stats.inFlight == 0)
        }
    }

    @Test func seededFaultsHitOnlyTheFirstRequest() async throws {
        let options = SimulatorOptions(fleet: FleetSpec(users: 2, subsPerUser: 1, seed: 9), faultRate: 1, faultKinds: [.status(503)])
        let platform = smallPlatform(options)
        try await withServer(platform) { client, base in
            for account in platform.accounts {
                #expect(platform.seededFault(for: account) == .status(503))
                let first = try await get(client, base, account.requestPath)
                #expect(first.status == 503)
                let second = try await get(client, base, account.requestPath)
                #expect(second.status == 200)
            }
        }
        let half = SimulatedPlatform(options: SimulatorOptions(
            fleet: FleetSpec(users: 100, subsPerUser: 1, seed: 9), faultRate: 0.3, faultKinds: [.status(500), .html502]))
        let hit = half.accounts.filter { half.seededFault(for: $0) != nil }.count
        #expect((30...90).contains(hit))
    }

    @Test func concurrentRequestsAreCountedInFlight() async throws {
        let options = SimulatorOptions(fleet: FleetSpec(users: 5, subsPerUser: 3, seed: 5), latency: .seconds(1))
        let platform = smallPlatform(options)
        let accounts = platform.accounts
        try await withServer(platform) { client, base in
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<20 {
                    let target = accounts[i % accounts.count].requestPath
                    group.addTask { try await get(client, base, target).status }
                }
                for try await status in group { #expect(status == 200) }
            }
            let stats = platform.stats()
            #expect(stats.requests == 20)
            #expect(stats.maxInFlight == 20)
            #expect(stats.inFlight == 0)
            #expect(stats.perAccount.values.reduce(0, +) == 20)
            // All 20 overlapped for most of the window.
            #expect(stats.meanInFlight > 8 && stats.meanInFlight <= 20)
        }
    }

    @Test func serverIsDownAfterWithRunningReturns() async throws {
        let platform = smallPlatform()
        let start = ContinuousClock.now
        let base = try await platform.withRunning { base in base }
        #expect(ContinuousClock.now - start < .seconds(10))  // generous: the suite runs beside 300 others
        var quick = clientConfiguration
        quick.timeout = .init(connect: .milliseconds(200), read: .seconds(1))
        _ = try await HTTPClient.withHTTPClient(configuration: quick) { client in
            await #expect(throws: (any Error).self) {
                _ = try await get(client, base, "/__stats")
            }
        }
        // A failing body still shuts the server down and rethrows.
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await platform.withRunning { _ in throw Boom() }
        }
    }
}
