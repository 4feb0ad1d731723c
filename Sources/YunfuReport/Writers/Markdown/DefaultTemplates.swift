/// The built-in Markdown templates: `Templates/report.*.md.mustache`, the files users copy and
/// edit, compiled into the binary by SwiftPM (`.embedInCode` resources, reached through the
/// `Templates` link beside this file), so the binary runs without the repository.
enum DefaultTemplates {
    static func text(_ locale: ReportLocale) -> String {
        switch locale {
        case .zhCN: String(decoding: PackageResources.report_zh_CN_md_mustache, as: UTF8.self)
        case .en: String(decoding: PackageResources.report_en_md_mustache, as: UTF8.self)
        }
    }
}
