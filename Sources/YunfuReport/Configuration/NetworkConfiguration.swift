import Foundation
import NIOSSL
import Yams

/// `api.ca_file`, `api.proxy`, `api.compression` and the proxy variables of the environment
/// (`docs/spec/cli-and-config.md`, "Network").
enum NetworkConfiguration {
    static let keys = ["ca_file", "proxy", "compression"]

    /// The network settings of the `api` map. With `resolve` (every purpose but `replay`), the CA
    /// file is read and the environment's proxy variables are checked.
    static func read(
        _ map: ConfigurationMap, yaml: ConfigurationYAML, folder: URL, environment: [String: String], resolve: Bool
    ) throws(ConfigurationError) -> NetworkSettings {
        var network = NetworkSettings()
        if let node = map.value("compression") {
            network.compression = try yaml.flag(node, path: map.path("compression"))
        }
        if let node = map.value("proxy") {
            let text = try yaml.nonEmptyText(node, path: map.path("proxy")).trimmingCharacters(in: .whitespaces)
            if text.lowercased() == "none" {
                network.proxy = .none
            } else if let url = ProxyURL(text, requireScheme: true) {
                network.proxy = .url(url)
            } else {
                // Not repeated: the text may hold a password.
                throw yaml.failure(
                    node.mark?.line,
                    "`api.proxy` must be an http proxy URL such as `http://proxy.corp:3128` (user:password@ allowed) or `none`")
            }
        }
        guard resolve else { return network }
        if let node = map.value("ca_file") {
            let path = map.path("ca_file")
            let written = try yaml.nonEmptyText(node, path: path).trimmingCharacters(in: .whitespaces)
            let expanded = try yaml.expandVariables(written, node: node, path: path, environment: environment)
            let url = ConfigurationYAML.resolve(expanded, against: folder)
            network.caFile = url.path
            network.extraTrustRoots = try certificates(in: url, yaml: yaml, line: node.mark?.line)
        }
        do {
            network.environment = try ProxyEnvironment(environment: environment)
        } catch {
            throw yaml.failure(
                nil,
                "the environment variable `\(error.variable)` is not an http proxy URL (http://[user:password@]host:port)")
        }
        return network
    }

    /// The PEM certificates in `url`: at least one, every one readable.
    static func certificates(in url: URL, yaml: ConfigurationYAML, line: Int?) throws(ConfigurationError)
        -> [NIOSSLCertificate]
    {
        let data: Data
        do {
            data = try ConfigurationYAML.readFile(url)
        } catch {
            throw yaml.failure(line, "cannot read `api.ca_file` `\(url.path)`: \(error.message)")
        }
        let text = String(decoding: data, as: UTF8.self)
        guard text.contains("-----BEGIN CERTIFICATE-----") else {
            throw yaml.failure(
                line, "`api.ca_file` `\(url.path)` holds no PEM certificate (-----BEGIN CERTIFICATE-----)")
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMBytes(Array(data))
        } catch {
            throw yaml.failure(line, "`api.ca_file` `\(url.path)`: a PEM certificate in it cannot be read")
        }
        guard !certificates.isEmpty else {
            throw yaml.failure(line, "`api.ca_file` `\(url.path)` holds no PEM certificate")
        }
        return certificates
    }
}
