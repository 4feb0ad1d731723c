import Foundation

/// Findings in the reader's language (over-time-and-monitoring.md): the sentence the workbook,
/// the Markdown, the HTML mail and the notices show in a finding's row — Chinese for `zh-CN`,
/// English for `en` — without the object's id or name that the same row already shows.
/// `findings.csv` keeps the English `message` (`FindingDetail.message`).
extension Labels {
    func findingSentence(_ finding: Finding, timeZone: TimeZone) -> String {
        switch finding.detail {
        case .message(let text):
            // Given whole (findings made by hand): shown as given.
            return text
        case .fetchFailed(let error):
            return pick("获取失败：\(fetchError(error))。", "Could not be fetched: \(error).")
        case .accountNoLines:
            return pick("账号没有线路。", "Has no call line.")
        case .accountNoRecycle:
            return pick("账号没有启用的重呼规则。", "Has no enabled recycle rule.")
        case .lineExpired(let daysAgo):
            return daysAgo == 0
                ? pick("已过期，不到 1 天。", "Expired less than a day ago.")
                : pick("已过期 \(daysAgo) 天。", "Expired \(FindingDetail.dayCount(daysAgo)) ago.")
        case .lineExpires(let days, let at):
            let when = at.map { " " + pick("（", "(") + String(DateText.plain($0, in: timeZone).prefix(16)) + pick("）", ")") } ?? ""
            let zhWhen = when.trimmingCharacters(in: .whitespaces)
            return days == 0
                ? pick("线路将在 1 天内到期\(zhWhen)。", "Expires in less than a day\(when).")
                : pick("线路将于 \(days) 天后到期\(zhWhen)。", "Expires in \(FindingDetail.dayCount(days))\(when).")
        case .lineExpiryUnknown:
            return pick("没有有效的到期时间。", "Has no valid expiry date.")
        case .lineSaturated(let residue, let concurrency):
            return pick(
                "并发已满（剩余 \(residue)，共 \(concurrency)）。", "No concurrency left (\(residue) of \(concurrency)).")
        case .lineCapacityInvalid(let problem):
            return capacityProblem(problem)
        case .recycleStatusUncovered:
            return pick("没有启用的重呼规则覆盖这个号码状态。", "No enabled recycle rule covers this number status.")
        case .scriptGroupDebug:
            return pick("话术组已启用，且处于调试模式。", "Active, and in debug mode.")
        case .scriptGroupEngineUnset(let asr, let tts):
            let unset = asr && tts ? "ASR 和 TTS" : asr ? "ASR" : "TTS"
            return pick("未指定 \(unset) 引擎，使用平台默认。", "Uses the platform default \(unset.replacingOccurrences(of: " 和 ", with: " and ")).")
        case .runInterrupted(let notFetched, let total):
            return pick(
                "运行被中断（SIGINT 或 SIGTERM）：\(total) 个账号中有 \(notFetched) 个未获取，这不是这些账号的故障。",
                "The run was interrupted (SIGINT or SIGTERM): \(notFetched) of \(total) accounts were not fetched; they did not fail.")
        }
    }

    private func capacityProblem(_ problem: CapacityProblem) -> String {
        switch problem {
        case .concurrencyUnknown: pick("并发数据异常：线路并发数未知。", "Capacity figures invalid: the concurrency is unknown.")
        case .residueUnknown: pick("并发数据异常：剩余并发未知。", "Capacity figures invalid: the residue is unknown.")
        case .concurrencyNegative(let value):
            pick("并发数据异常：线路并发数为负（\(value)）。", "Capacity figures invalid: the concurrency is negative (\(value)).")
        case .residueNegative(let value):
            pick("并发数据异常：剩余并发为负（\(value)）。", "Capacity figures invalid: the residue is negative (\(value)).")
        case .residueExceeds(let residue, let concurrency):
            pick(
                "并发数据异常：剩余并发 \(residue) 大于线路并发数 \(concurrency)。",
                "Capacity figures invalid: the residue \(residue) exceeds the concurrency \(concurrency).")
        }
    }

    /// An account's fetch error for people: the known forms in Chinese for `zh-CN` (the HTTP
    /// status and the platform's own code and message kept as they are).
    func fetchError(_ error: String) -> String {
        guard locale == .zhCN else { return error }
        if error == FailureReason.interrupted.text { return "运行中断，未获取" }
        if error.hasPrefix(FailureReason.notAttemptedPrefix) {
            return "未尝试：平台无法访问：" + fetchError(String(error.dropFirst(FailureReason.notAttemptedPrefix.count)))
        }
        if error.hasPrefix("HTTP "), let code = error.split(separator: " ").dropFirst().first {
            return "平台返回 HTTP \(code)"
        }
        if error.hasPrefix("code ") { return "平台返回错误码 " + error.dropFirst(5) }
        if error.hasPrefix("timed out after "), let seconds = error.split(separator: " ").dropFirst(3).first {
            return "请求超时（\(seconds) 秒）"
        }
        if error.hasPrefix("connection failed ") { return "连接失败 " + error.dropFirst("connection failed ".count) }
        if error.hasPrefix("the answer is larger than ") {
            return "应答过大（超过 " + error.dropFirst("the answer is larger than ".count) + "）"
        }
        if error.hasPrefix("request not sent") { return "请求未发出，请检查配置（" + error + "）" }
        return "应答无法读取（" + error + "）"
    }
}
