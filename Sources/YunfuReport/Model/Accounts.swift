import Foundation

/// Which view of the platform an account is: a main user, or one of its sub-accounts.
package struct AccountID: Hashable, Sendable {
    var userID: String
    var subUserID: String?

    package init(userID: String, subUserID: String? = nil) {
        self.userID = userID
        self.subUserID = subUserID
    }

    /// The contract's account key: `user_id`, or `user_id/sub_user_id`, with `%`, `/` and `;`
    /// inside each id written as `%25`, `%2F`, `%3B`.
    var key: String {
        let user = Self.escapeKeyPart(userID)
        guard let subUserID else { return user }
        return user + "/" + Self.escapeKeyPart(subUserID)
    }

    static func escapeKeyPart(_ id: String) -> String {
        // Most ids hold none of the three: no copy then.
        let special: (UInt8) -> Bool = { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: ";") }
        guard id.utf8.withContiguousStorageIfAvailable({ $0.contains(where: special) }) ?? id.utf8.contains(where: special)
        else { return id }
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
}

/// One account the run reports on, as the configuration names it.
///
/// A class, immutable, compared by value: every row, line and finding of an account refers to
/// the one instance (8 bytes each) instead of holding a copy of its ids and label (64 bytes, three
/// strings to retain): a large fleet has tens of such references per account.
package final class AccountRef: Hashable, Sendable {
    let id: AccountID
    /// The configured label ("" when none); a sub-account given as a bare id takes its parent's label.
    let label: String
    /// Position in the contract's account order (0-based).
    let order: Int

    package init(id: AccountID, label: String, order: Int) {
        self.id = id
        self.label = label
        self.order = order
    }

    package static func == (a: AccountRef, b: AccountRef) -> Bool {
        a === b || (a.order == b.order && a.id == b.id && a.label == b.label)
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(label)
        hasher.combine(order)
    }

    var userID: String { id.userID }
    package var subUserID: String? { id.subUserID }
    var key: String { id.key }
}
