import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix

/// What a transport error (async-http-client's, or a socket's) is, in the words both the
/// platform's requests (`Fetcher.classify`) and the notices (`Notifier`) use: one definition of
/// the HTTP error text, so that a refused connection reads the same in `accounts.csv` and in the
/// log line of a webhook that could not be reached.
enum TransportError {
    /// A timeout of the client: connecting, the TLS handshake, reading, writing, the deadline, or
    /// waiting for a pooled connection.
    static func isTimeout(_ error: any Error) -> Bool {
        guard let error = error as? HTTPClientError else { return false }
        switch error {
        case .readTimeout, .writeTimeout, .connectTimeout, .deadlineExceeded, .tlsHandshakeTimeout,
            .getConnectionFromPoolTimeout:
            return true
        default:
            return false
        }
    }

    /// The socket's own words (`strerror`, lower case: `connection refused`, `no route to host`)
    /// for an `IOError` or the first socket error of a failed connection; nil for other errors.
    static func socketText(_ error: any Error) -> String? {
        if let error = error as? IOError { return text(errno: error.errnoCode) }
        if let error = error as? NIOConnectionError,
            let io = error.connectionErrors.lazy.compactMap({ $0.error as? IOError }).first
        {
            return text(errno: io.errnoCode)
        }
        return nil
    }

    static func text(errno code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }

    /// async-http-client's short description in lower case (`remote connection closed`).
    static func clientText(_ error: HTTPClientError) -> String {
        error.shortDescription.lowercased()
    }
}
