import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOHTTPCompression
import NIOSSL
import Testing

@testable import YunfuReport

@Suite("Fetch building blocks")
struct FetchUnitTests {
    @Test(arguments: [
        ("abc-XYZ_0.9~", "abc-XYZ_0.9~"),
        ("a/b", "a%2Fb"),
        ("a+b", "a%2Bb"),
        ("a b", "a%20b"),
        ("a;b", "a%3Bb"),
        ("100%", "100%25"),
        ("?&=#", "%3F%26%3D%23"),
        ("华东", "%E5%8D%8E%E4%B8%9C"),
        ("😀", "%F0%9F%98%80"),
        ("", ""),
    ])
    func percentEncodesEverythingButUnreserved(input: String, expected: String) {
        #expect(StrictPercentEncoding.encode(input) == expected)
    }

    @Test func buildsTheTaskCreateURL() {
        let endpoint = Endpoint(baseURL: "https://api.example.com/")
        #expect(endpoint.host == "api.example.com")
        #expect(
            endpoint.url(for: AccountID(userID: "u 1/2"))
                == "https://api.example.com/agent-api/new/user/u%201%2F2/task/create")
        #expect(
            endpoint.url(for: AccountID(userID: "u", subUserID: "s+1"))
                == "https://api.example.com/agent-api/new/user/u/task/create?sub_user_id=s%2B1")
        let prefixed = Endpoint(baseURL: "http://127.0.0.1:8080/gw//")
        #expect(
            prefixed.url(for: AccountID(userID: "x")) == "http://127.0.0.1:8080/gw/agent-api/new/user/x/task/create")
        #expect(Endpoint(baseURL: nil).host == "(invalid base_url)")
    }

    @Test func readsRetryAfterSeconds() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(RetryAfterHeader.seconds(from: "2", now: now) == 2)
        #expect(RetryAfterHeader.seconds(from: " 0 ", now: now) == 0)
        #expect(RetryAfterHeader.seconds(from: "99999999999999999999999", now: now).map { $0 > 1e20 } == true)
        #expect(RetryAfterHeader.seconds(from: "-1", now: now) == nil)
        #expect(RetryAfterHeader.seconds(from: "1.5", now: now) == nil)
        #expect(RetryAfterHeader.seconds(from: "soon", now: now) == nil)
        #expect(RetryAfterHeader.seconds(from: "", now: now) == nil)
    }

    @Test(arguments: [
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
        "sun, 06 nov 1994 08:49:37 gmt",
    ])
    func readsTheThreeHTTPDateForms(text: String) throws {
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // 2023
        let date = try #require(RetryAfterHeader.httpDate(text, now: now))
        #expect(date == Date(timeIntervalSince1970: 784_111_777))
    }

    @Test(arguments: [
        "Sun, 31 Feb 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 25:49:37 GMT",
        "Sun, 06 Nov 1994 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT",
        "06 Nov 1994 08:49:37 GMT extra",
    ])
    func rejectsBrokenHTTPDates(text: String) {
        #expect(RetryAfterHeader.httpDate(text, now: Date()) == nil)
    }

    @Test func retryAfterAsADateIsTheTimeLeft() {
        let now = Date(timeIntervalSince1970: 784_111_770)
        #expect(RetryAfterHeader.seconds(from: "Sun, 06 Nov 1994 08:49:37 GMT", now: now) == 7)
        #expect(RetryAfterHeader.seconds(from: "Sun, 06 Nov 1994 08:49:30 GMT", now: now + 60) == 0)
    }

    @Test func backoffGrowsWithJitterAndNeverGoesBelow100ms() {
        var policy = RetryPolicy(baseDelay: 0.5, maxDelay: 3)
        policy.random = { $0.upperBound }
        #expect(policy.backoff(retry: 1) == 0.5)
        #expect(policy.backoff(retry: 2) == 1)
        #expect(policy.backoff(retry: 3) == 2)
        #expect(policy.backoff(retry: 4) == 3)
        #expect(policy.backoff(retry: 1000) == 3)
        policy.random = { $0.lowerBound }
        #expect(policy.backoff(retry: 1) == RetryPolicy.minimumDelay)
        let real = RetryPolicy(baseDelay: 0.001, maxDelay: 0.001)
        for retry in 1...20 {
            #expect(real.backoff(retry: retry) >= 0.1)
        }
    }

    @Test func waitIsTheLargerOfBackoffAndCappedRetryAfter() {
        var policy = RetryPolicy(baseDelay: 0.5, maxDelay: 3)
        policy.random = { $0.upperBound }
        #expect(policy.delay(retry: 1, retryAfter: 2, maxRetryAfter: 120) == 2)
        #expect(policy.delay(retry: 1, retryAfter: 200, maxRetryAfter: 5) == 5)
        #expect(policy.delay(retry: 1, retryAfter: .infinity, maxRetryAfter: 5) == 5)
        #expect(policy.delay(retry: 3, retryAfter: 1, maxRetryAfter: 120) == 2)
        #expect(policy.delay(retry: 1, retryAfter: nil, maxRetryAfter: 120) == 0.5)
        #expect(policy.delay(retry: 1, retryAfter: 0, maxRetryAfter: 120) == 0.5)
    }

    @Test func pacerHandsOutSlotsOneIntervalApart() throws {
        let pacer = Pacer(requestsPerSecond: 50)
        var slots: [ContinuousClock.Instant] = []
        for _ in 0..<5 { slots.append(pacer.reserve()) }
        for (a, b) in zip(slots, slots.dropFirst()) {
            #expect(b - a >= .milliseconds(20))  // exactly 20 unless the test itself stalled
        }
        // 0, negative or not a number: no limit until the platform throttles.
        for setting in [0, -1, Double.nan] {
            let unlimited = Pacer(requestsPerSecond: setting)
            #expect(unlimited.limit == nil)
            let slot = unlimited.reserve()
            #expect(slot <= ContinuousClock.now)
        }
    }

    @Test func clampsDurationsFromSettings() {
        #expect(Duration.clampedSeconds(.nan) == .zero)
        #expect(Duration.clampedSeconds(-3) == .zero)
        #expect(Duration.clampedSeconds(0.25) == .milliseconds(250))
        #expect(Duration.clampedSeconds(.infinity) == .seconds(365 * 86_400))
    }

    @Test func writesSecondsStatusesAndSizesForPeople() {
        #expect(Fetcher.formatSeconds(20) == "20")
        #expect(Fetcher.formatSeconds(0.3) == "0.3")
        #expect(Fetcher.formatSeconds(1.25) == "1.25")
        #expect(Fetcher.describe(.serviceUnavailable) == "HTTP 503 Service Unavailable")
        #expect(Fetcher.describe(.init(statusCode: 599, reasonPhrase: "whatever the server said")) == "HTTP 599")
        #expect(Fetcher.formatBytes(64 * 1024 * 1024) == "64 MiB")
        #expect(Fetcher.formatBytes(1000) == "1000 bytes")
    }

    @Test func sortsClientErrorsIntoRetriedAndNot() {
        func kind(_ error: any Error) -> String {
            switch Fetcher.classify(error) {
            case .timedOut: "timedOut"
            case .connectionFailed: "connectionFailed"
            case .network(let failure): failure.retryable ? "network, retried" : "network, not retried"
            case .failed: "failed"
            case .cancelled: "cancelled"
            case .answer: "answer"
            }
        }
        #expect(kind(NIOSSLExtraError.failedToValidateHostname) == "network, not retried")
        #expect(kind(NIOHTTPDecompression.DecompressionError.limit) == "failed")
        #expect(kind(HTTPClientError.readTimeout) == "timedOut")
        #expect(kind(HTTPClientError.deadlineExceeded) == "timedOut")
        #expect(kind(HTTPClientError.connectTimeout) == "timedOut")
        #expect(kind(HTTPClientError.remoteConnectionClosed) == "connectionFailed")
        #expect(kind(IOError(errnoCode: ECONNRESET, reason: "read")) == "connectionFailed")
        #expect(kind(HTTPClientError.invalidURL) == "failed")
        #expect(kind(HTTPClientError.unsupportedScheme("ftp")) == "failed")
        #expect(kind(HTTPClientError.invalidHeaderFieldValues(["Bearer secret\n"])) == "failed")
        #expect(kind(NIOTooManyBytesError(maxBytes: 10)) == "failed")
        #expect(kind(CancellationError()) == "cancelled")
        if case .failed(let message) = Fetcher.classify(HTTPClientError.invalidHeaderFieldValues(["Bearer secret"])) {
            #expect(!message.contains("secret"))
        }
    }

    @Test func theRequestsAndTheNoticesNameATransportErrorTheSameWay() {
        let refused = IOError(errnoCode: ECONNREFUSED, reason: "connect")
        #expect(TransportError.socketText(refused) == "connection refused")
        guard case .connectionFailed(let text) = Fetcher.classify(refused) else {
            Issue.record("a refused connection is a connection failure")
            return
        }
        #expect(text == TransportError.socketText(refused))
        #expect(TransportError.isTimeout(HTTPClientError.connectTimeout))
        #expect(TransportError.isTimeout(HTTPClientError.tlsHandshakeTimeout))
        #expect(!TransportError.isTimeout(HTTPClientError.remoteConnectionClosed))
        #expect(TransportError.clientText(.remoteConnectionClosed) == "remote connection closed")
    }
}
