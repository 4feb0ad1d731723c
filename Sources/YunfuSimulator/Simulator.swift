public import Foundation

/// One view the simulated platform serves: a main user, or one of its sub-accounts.
///
/// Equality and hashing are by Unicode scalars (bytes), never by Swift's canonical equivalence:
/// two ids that differ only in normalisation are two accounts, as they are for the platform.
public struct SimAccount: Hashable, Sendable, CustomStringConvertible {
    public var userID: String
    public var subUserID: String?

    public init(userID: String, subUserID: String? = nil) {
        self.userID = userID
        self.subUserID = subUserID
    }

    /// The contract's account key: `user_id`, or `user_id/sub_user_id`, with `%`, `/` and `;`
    /// inside each id written as `%25`, `%2F`, `%3B`.
    public var key: String {
        let user = Self.escapeKeyPart(userID)
        guard let subUserID else { return user }
        return user + "/" + Self.escapeKeyPart(subUserID)
    }

    public var description: String { key }

    static func escapeKeyPart(_ id: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in id.unicodeScalars {
            switch scalar {
            case "%": out.append(contentsOf: "%25".unicodeScalars)
            case "/": out.append(contentsOf: "%2F".unicodeScalars)
            case ";": out.append(contentsOf: "%3B".unicodeScalars)
            default: out.append(scalar)
            }
        }
        return String(out)
    }

    public static func == (a: SimAccount, b: SimAccount) -> Bool {
        guard a.userID.utf8.elementsEqual(b.userID.utf8) else { return false }
        switch (a.subUserID, b.subUserID) {
        case (nil, nil): return true
        case (let x?, let y?): return x.utf8.elementsEqual(y.utf8)
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        for byte in userID.utf8 { hasher.combine(byte) }
        if let subUserID {
            hasher.combine(1 as UInt8)
            for byte in subUserID.utf8 { hasher.combine(byte) }
        } else {
            hasher.combine(0 as UInt8)
        }
    }
}

/// The shape of the generated fleet. Everything in it follows from `seed`.
public struct FleetSpec: Sendable {
    /// Main users.
    public var users: Int
    /// Sub-accounts per user (each user's main view comes first, then its subs).
    public var subsPerUser: Int
    public var seed: UInt64
    /// Dates in the answers (line expiry) are spread around this instant.
    public var referenceDate: Date

    public init(
        users: Int = 10,
        subsPerUser: Int = 2,
        seed: UInt64 = 1,
        referenceDate: Date = FleetSpec.startOfTodayInShanghai()
    ) {
        self.users = max(0, users)
        self.subsPerUser = max(0, subsPerUser)
        self.seed = seed
        self.referenceDate = referenceDate
    }

    /// Number of accounts (views) in the fleet.
    public var accountCount: Int { users * (1 + subsPerUser) }

    /// 00:00:00 today in Beijing time (UTC+8, no daylight saving), as of `now`.
    public static func startOfTodayInShanghai(now: Date = Date()) -> Date {
        let offset = 8.0 * 3600
        let local = now.timeIntervalSince1970 + offset
        let day = (local / 86_400).rounded(.down)
        return Date(timeIntervalSince1970: day * 86_400 - offset)
    }
}

/// The ways real answers drift from the documented shape (`task-create-api.md`, "What real
/// answers look like"), plus invalid values that owe warnings. Each enabled drift is planted in a
/// deterministic share of the generated answers (see ``SimulatedPlatform/drifts(for:)``).
public enum Drift: String, CaseIterable, Sendable, Hashable {
    /// Flags (`debug`, `status`, `is_default`, `default`) as `0`/`1`.
    case boolAsInt = "bool-as-int"
    /// Flags as `"0"`/`"1"`/`"true"`/`"false"`.
    case boolAsString = "bool-as-string"
    /// Integers as numeric strings (`"50"`, `" 50"`).
    case intAsString = "int-as-string"
    /// `null` for optional fields (names, remarks, dates, engines, node, rule status…).
    case nulls = "nulls"
    /// Optional keys missing altogether.
    case missingKeys = "missing-keys"
    /// An empty map serialised as `[]` (`"end_actions": []`).
    case emptyMapAsArray = "empty-map-as-array"
    /// A map with keys 0..n serialised as an array (`"end_actions": ["无操作", …]`).
    case mapAsArray = "map-as-array"
    /// A list serialised as an object with index keys (`{"0": {...}, "2": {...}}`).
    case listAsObject = "list-as-object"
    /// The zero date `0000-00-00 00:00:00` for dates.
    case zeroDates = "zero-dates"
    /// `""` for dates.
    case emptyDates = "empty-dates"
    /// ISO 8601 dates with an offset (`2025-11-28T00:00:00+08:00`, `…Z`, fractions).
    case isoDates = "iso-dates"
    /// Unknown extra fields anywhere.
    case extraFields = "extra-fields"
    /// CJK, emoji, right-to-left text, very long strings, leading `=` `+` `-` `@`, `|`, tabs, newlines.
    case hostileText = "hostile-text"
    /// Impossible calendar dates (`2027-02-30 00:00:00`): owe a warning.
    case impossibleDates = "impossible-dates"
    /// Free text where a date is expected (`明天`, `2025/11/28`): owes a warning.
    case freeTextDates = "free-text-dates"
    /// Non-integers where an integer is expected (`"abc"`, `1.5`, `true`): owe a warning.
    case nonIntegers = "non-integers"

    /// The drifts that owe warnings in the report (values present but unusable).
    public var owesWarnings: Bool {
        switch self {
        case .impossibleDates, .freeTextDates, .nonIntegers: return true
        default: return false
        }
    }
}

/// A `Retry-After` header value.
public enum RetryAfter: Sendable, Hashable {
    case seconds(Int)
    case httpDate(Date)
}

/// A way one answer goes wrong.
public enum Fault: Sendable, Hashable {
    /// HTTP status (e.g. 500, 503) with a JSON-ish body.
    case status(Int)
    /// HTTP 429, with or without `Retry-After`.
    case tooManyRequests(RetryAfter?)
    /// The normal answer, after this many extra seconds.
    case slow(seconds: Double)
    /// The head and part of the body are sent, then the connection is closed.
    case closeConnection
    /// HTTP 502 with a gateway's HTML page.
    case html502
    /// HTTP 200, `application/json`, body cut in the middle (its Content-Length matches the cut body).
    case truncatedJSON
    /// HTTP 200, `text/html` page.
    case htmlPage
    /// HTTP 200 with an envelope error: `{"code": code, "status": "error", "message": message, "data": null}`.
    case envelopeError(code: Int, message: String)
    /// HTTP 404.
    case notFound

    /// Reads a fault from its command-line name: `500`, `503` (any 3-digit status), `429`,
    /// `429:N` (Retry-After seconds), `429:date` (Retry-After as an HTTP date 2 s ahead),
    /// `slow:S`, `close`, `html502`, `truncated`, `html`, `envelope:CODE`, `404`.
    public init?(name: String) {
        let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
        let head = parts.first ?? ""
        let arg = parts.count > 1 ? parts[1] : nil
        switch head {
        case "429":
            if let arg {
                if arg == "date" {
                    self = .tooManyRequests(.httpDate(Date().addingTimeInterval(2)))
                } else if let seconds = Int(arg), seconds >= 0 {
                    self = .tooManyRequests(.seconds(seconds))
                } else {
                    return nil
                }
            } else {
                self = .tooManyRequests(nil)
            }
        case "404":
            guard arg == nil else { return nil }
            self = .notFound
        case "slow":
            guard let seconds = Double(arg ?? "5"), seconds >= 0, seconds.isFinite else { return nil }
            self = .slow(seconds: seconds)
        case "close": self = .closeConnection
        case "html502": self = .html502
        case "truncated": self = .truncatedJSON
        case "html": self = .htmlPage
        case "envelope":
            guard let code = Int(arg ?? "401") else { return nil }
            self = .envelopeError(code: code, message: code == 401 ? "未授权：令牌无效或已过期" : "请求失败")
        default:
            guard arg == nil, head.utf8.count == 3, let status = Int(head), (100...599).contains(status) else {
                return nil
            }
            self = .status(status)
        }
    }

    /// The command-line name of this fault (inverse of ``init(name:)``, except for HTTP dates).
    public var name: String {
        switch self {
        case .status(let code): return String(code)
        case .tooManyRequests(nil): return "429"
        case .tooManyRequests(.seconds(let s)?): return "429:\(s)"
        case .tooManyRequests(.httpDate?): return "429:date"
        case .slow(let seconds): return "slow:\(seconds)"
        case .closeConnection: return "close"
        case .html502: return "html502"
        case .truncatedJSON: return "truncated"
        case .htmlPage: return "html"
        case .envelopeError(let code, _): return "envelope:\(code)"
        case .notFound: return "404"
        }
    }
}

/// How the simulated platform behaves.
public struct SimulatorOptions: Sendable {
    public var fleet: FleetSpec
    /// Added to every answer of the task-init route (faults included).
    public var latency: Duration
    /// Drifts planted in a deterministic share of the generated answers.
    public var drifts: Set<Drift>
    /// When set, a request without this exact header value gets HTTP 200 + envelope code 401.
    public var expectedAuth: (header: String, value: String)?
    /// Share of accounts (0…1, chosen by the seed) that get a fault on their first request only.
    public var faultRate: Double
    /// The faults those accounts get (one chosen per account by the seed).
    public var faultKinds: [Fault]
    /// A per-key request limit, as SaaS APIs have (`--rate-limit R`): a token bucket over all
    /// requests to the task-init route, R tokens a second and R at most (one second's burst);
    /// a request that finds no token gets 429 with `Retry-After: 1`. nil: no limit.
    public var rateLimit: Double?

    public init(
        fleet: FleetSpec = FleetSpec(),
        latency: Duration = .zero,
        drifts: Set<Drift> = [],
        expectedAuth: (header: String, value: String)? = nil,
        faultRate: Double = 0,
        faultKinds: [Fault] = [],
        rateLimit: Double? = nil
    ) {
        self.rateLimit = rateLimit.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        self.fleet = fleet
        self.latency = latency
        self.drifts = drifts
        self.expectedAuth = expectedAuth
        self.faultRate = faultRate
        self.faultKinds = faultKinds
    }
}

/// What the server saw, as served at `GET /__stats` (snake_case keys).
public struct SimulatorStats: Codable, Sendable, Equatable {
    /// Requests to the task-init route, faulted, refused and unknown ones included.
    public var requests: Int
    /// Requests between arrival and the end of their answer right now.
    public var inFlight: Int
    /// The most requests in flight at once.
    public var maxInFlight: Int
    /// Requests per account key.
    public var perAccount: [String: Int]
    /// Unix seconds of the first request, nil before any.
    public var firstRequestAt: Double?
    /// Unix seconds of the last answer's end, nil before any.
    public var lastResponseAt: Double?
    /// Time-weighted mean of in-flight requests between the first request and the last answer.
    public var meanInFlight: Double
    /// Task-init answers sent gzip- or deflate-encoded (the request asked for it).
    public var compressedAnswers: Int
    /// Body bytes of the task-init answers as sent on the wire (compressed size when compressed).
    public var bodyBytes: Int
    /// Requests per `Host` header (authority) received.
    public var hosts: [String: Int]
    /// Requests answered 429 by the rate limit (`--rate-limit`), planned 429 faults not included.
    public var throttled: Int

    public init(
        requests: Int = 0,
        inFlight: Int = 0,
        maxInFlight: Int = 0,
        perAccount: [String: Int] = [:],
        firstRequestAt: Double? = nil,
        lastResponseAt: Double? = nil,
        meanInFlight: Double = 0,
        compressedAnswers: Int = 0,
        bodyBytes: Int = 0,
        hosts: [String: Int] = [:],
        throttled: Int = 0
    ) {
        self.throttled = throttled
        self.requests = requests
        self.inFlight = inFlight
        self.maxInFlight = maxInFlight
        self.perAccount = perAccount
        self.firstRequestAt = firstRequestAt
        self.lastResponseAt = lastResponseAt
        self.meanInFlight = meanInFlight
        self.compressedAnswers = compressedAnswers
        self.bodyBytes = bodyBytes
        self.hosts = hosts
    }

    enum CodingKeys: String, CodingKey {
        case requests
        case inFlight = "in_flight"
        case maxInFlight = "max_in_flight"
        case perAccount = "per_account"
        case firstRequestAt = "first_request_at"
        case lastResponseAt = "last_response_at"
        case meanInFlight = "mean_in_flight"
        case compressedAnswers = "compressed_answers"
        case bodyBytes = "body_bytes"
        case hosts, throttled
    }

    /// The JSON served at `/__stats`.
    public func jsonBytes() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(self)).map { Array($0) } ?? Array("{}".utf8)
    }

    /// Reads the JSON served at `/__stats`.
    public static func decode(_ bytes: some Sequence<UInt8>) throws -> SimulatorStats {
        try JSONDecoder().decode(SimulatorStats.self, from: Data(bytes))
    }
}
