/// The version `--version` prints and the manifest records.
public enum YunfuReportInfo {
    public static let version = "0.1.0"
}
