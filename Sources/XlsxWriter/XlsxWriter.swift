import CXlsxWriter

/// The version of the linked libxlsxwriter.
public let libxlsxwriterVersion: String = String(cString: lxw_version())
