// The built-in defaults of Templates/report.*.md.mustache, so the binary runs without the
// repository. `MarkdownTemplateTests` checks they equal the files byte for byte: after editing a
// template, paste its text here between the delimiters (the empty line before the closing
// delimiter keeps the file's final newline).

enum DefaultTemplates {
    static func text(_ locale: ReportLocale) -> String {
        switch locale {
        case .zhCN: zhCN
        case .en: en
        }
    }

    /// `Templates/report.zh-CN.md.mustache`
    static let zhCN = ##"""
{{! yunfu-report 的 Markdown 报告模板（zh-CN）。
    复制到 report.templates_dir 指定的目录中即可修改；可用的名称见仓库中的 Templates/README.md。
    所有值都已按 Markdown 转义，表格里的竖线和换行不会破坏表格，两种花括号写法输出相同。
    引用不存在的名称或写错标签时，check-config 会报错并给出文件和行号。 }}
# 云蝠智能线路与配置日报 · {{date}}

截至 {{as_of}}（{{time_zone}}，UTC{{utc_offset}}）。{{completeness}}

## 需要处理

{{#action}}
{{#nothing}}
今天没有需要处理的事项。
{{/nothing}}
{{#has_failed_accounts}}
- 获取失败的账号：**{{failed_accounts}}**{{failed_accounts_change}}
{{/has_failed_accounts}}
{{#has_critical}}
- 严重问题：**{{critical}}**{{critical_change}}
{{/has_critical}}
{{#has_high}}
- 高级别问题：**{{high}}**{{high_change}}
{{/has_high}}
{{#has_expired_lines}}
- 已过期的线路：**{{expired_lines}}**{{expired_lines_change}}
{{/has_expired_lines}}
{{#has_soon_lines}}
- {{soon_days}} 天内到期的线路：**{{soon_lines}}**{{soon_lines_change}}
{{/has_soon_lines}}
{{#has_saturated_lines}}
- 并发已满的线路：**{{saturated_lines}}**{{saturated_lines_change}}
{{/has_saturated_lines}}
{{#has_new_urgent}}
- 自上次运行以来新增的严重/高级别问题：**{{new_urgent}}**
{{/has_new_urgent}}
{{/action}}
{{#changes}}
{{#has_warning}}

> 未与上次运行对比：{{warning}}
{{/has_warning}}
{{#compared}}

## 自上次运行以来的变化

对比的上次运行：{{previous_as_of}}（{{previous_run_dir}}）{{^previous_complete}}，该次运行不完整{{/previous_complete}}。
{{#none}}

没有变化。
{{/none}}
{{#has_new_urgent}}

### 新增的严重/高级别问题

| 级别 | 检查项 | 对象 | 账号 |
|---|---|---|---|
{{#new_urgent}}
| {{severity_label}} | {{check_label}} | {{object}} | {{accounts}} |
{{/new_urgent}}
{{#has_new_urgent_more}}

{{new_urgent_more}}
{{/has_new_urgent_more}}
{{/has_new_urgent}}
{{#has_resolved}}

### 已解决的问题

| 级别 | 检查项 | 对象 | 账号 |
|---|---|---|---|
{{#resolved}}
| {{severity_label}} | {{check_label}} | {{object}} | {{accounts}} |
{{/resolved}}
{{#has_resolved_more}}

{{resolved_more}}
{{/has_resolved_more}}
{{/has_resolved}}
{{#has_other}}

### 其他变化

| 变化 | 对象 | 前后 | 账号 |
|---|---|---|---|
{{#other}}
| {{change_label}} | {{object}} | {{detail}} | {{accounts}} |
{{/other}}
{{#has_other_more}}

{{other_more}}
{{/has_other_more}}
{{/has_other}}
{{/compared}}
{{/changes}}
{{#has_failed_accounts}}

## 获取失败的账号

| 账号 | 错误 | 请求次数 |
|---|---|---:|
{{#failed_accounts}}
| {{account}} | {{error}} | {{attempts}} |
{{/failed_accounts}}
{{#has_failed_accounts_more}}

{{failed_accounts_more}}
{{/has_failed_accounts_more}}
{{/has_failed_accounts}}

## 严重和高级别问题

{{#has_urgent_findings}}
| 级别 | 检查项 | 对象 | 账号 | 说明 |
|---|---|---|---|---|
{{#urgent_findings}}
| {{severity_label}} | {{check_label}} | {{object}} | {{accounts}} | {{message}} |
{{/urgent_findings}}
{{#has_urgent_findings_more}}

{{urgent_findings_more}}
{{/has_urgent_findings_more}}
{{/has_urgent_findings}}
{{^has_urgent_findings}}
没有未屏蔽的严重或高级别问题。
{{/has_urgent_findings}}
{{#has_suppressed_findings}}

## 已屏蔽的问题

以下问题已按配置屏蔽，不计入上面的统计，仅供查阅。

| 级别 | 检查项 | 对象 | 账号 | 屏蔽原因 |
|---|---|---|---|---|
{{#suppressed_findings}}
| {{severity_label}} | {{check_label}} | {{object}} | {{accounts}} | {{reason}} |
{{/suppressed_findings}}
{{#has_suppressed_findings_more}}

{{suppressed_findings_more}}
{{/has_suppressed_findings_more}}
{{/has_suppressed_findings}}

## 已过期或 {{soon_days}} 天内到期的线路

{{#has_expiring_lines}}
即将到期的在前（按到期时间），再是最近过期的；共 {{expiring_lines_total}} 条{{#has_expiring_lines_more}}，显示最近的 {{expiring_limit}} 条{{/has_expiring_lines_more}}。

| 线路 | 节点 | 到期时间 | 剩余天数 | 状态 | 账号 |
|---|---|---|---:|---|---|
{{#expiring_lines}}
| {{line}} | {{node}} | {{available_at}} | {{days_left}} | {{status_label}} | {{accounts}} |
{{/expiring_lines}}
{{/has_expiring_lines}}
{{^has_expiring_lines}}
没有已过期或即将到期的线路。
{{/has_expiring_lines}}

## 各节点容量

{{#has_nodes}}
| 节点 | 线路数 | 总并发 | 在用 | 剩余并发 | 使用率 | 满载线路 | 到期线路 |
|---|---:|---:|---:|---:|---:|---:|---:|
{{#nodes}}
| {{node}} | {{lines}} | {{concurrency}} | {{in_use}} | {{residue}} | {{utilization}} | {{saturated_lines}} | {{expiring_lines}} |
{{/nodes}}
{{#capacity}}
| **{{node}}** | **{{lines}}** | **{{concurrency}}** | **{{in_use}}** | **{{residue}}** | **{{utilization}}** | **{{saturated_lines}}** | **{{expiring_lines}}** |
{{/capacity}}
{{/has_nodes}}
{{^has_nodes}}
没有线路。
{{/has_nodes}}

## 引擎清单

{{#has_engines}}
| 类别 | 引擎 | 话术组 | 启用的话术组 | 账号数 |
|---|---|---:|---:|---:|
{{#engines}}
| {{kind_label}} | {{engine}} | {{script_groups}} | {{active_script_groups}} | {{accounts}} |
{{/engines}}
{{/has_engines}}
{{^has_engines}}
没有话术组。
{{/has_engines}}

## 统计

{{#counts}}
- 账号：{{accounts}}（成功 {{accounts_ok}}，失败 {{accounts_failed}}{{#has_accounts_not_fetched}}，运行中断未获取 {{accounts_not_fetched}}{{/has_accounts_not_fetched}}）
- 线路：{{lines}}，节点：{{nodes}}
- 话术组：{{script_groups}}（启用 {{active_script_groups}}）
- 未覆盖的必需回收状态：{{recycle_gaps}}
- 问题：{{findings}}（另有已屏蔽 {{suppressed_findings}}）
- 数据警告：{{warnings}}
- 失效的屏蔽规则：{{stale_suppressions}}
{{/counts}}

| 级别 | 问题 | 已屏蔽 |
|---|---:|---:|
{{#findings_by_severity}}
| {{label}} | {{count}} | {{suppressed}} |
{{/findings_by_severity}}

| 到期状态 | 线路 |
|---|---:|
{{#lines_by_status}}
| {{label}} | {{count}} |
{{/lines_by_status}}

---

由 yunfu-report 生成，完整数据见工作簿和 CSV 文件。

"""##

    /// `Templates/report.en.md.mustache`
    static let en = ##"""
{{! The Markdown report of yunfu-report (en).
    Copy it into the folder report.templates_dir names and edit it there;
    Templates/README.md in the repository lists the names.
    Every value is already escaped for Markdown: a pipe or a newline in a name cannot break a table,
    and double and triple braces print the same.
    check-config reports a name the report does not have, or a broken tag, with its file and line. }}
# Yunfu lines and configuration report · {{date}}

As of {{as_of}} ({{time_zone}}, UTC{{utc_offset}}). {{completeness}}

## Needs action

{{#action}}
{{#nothing}}
Nothing needs action today.
{{/nothing}}
{{#has_failed_accounts}}
- Accounts that could not be fetched: **{{failed_accounts}}**{{failed_accounts_change}}
{{/has_failed_accounts}}
{{#has_critical}}
- Critical findings: **{{critical}}**{{critical_change}}
{{/has_critical}}
{{#has_high}}
- High findings: **{{high}}**{{high_change}}
{{/has_high}}
{{#has_expired_lines}}
- Lines expired: **{{expired_lines}}**{{expired_lines_change}}
{{/has_expired_lines}}
{{#has_soon_lines}}
- Lines expiring within {{soon_days}} days: **{{soon_lines}}**{{soon_lines_change}}
{{/has_soon_lines}}
{{#has_saturated_lines}}
- Saturated lines: **{{saturated_lines}}**{{saturated_lines_change}}
{{/has_saturated_lines}}
{{#has_new_urgent}}
- New critical/high findings since the previous run: **{{new_urgent}}**
{{/has_new_urgent}}
{{/action}}
{{#changes}}
{{#has_warning}}

> Not compared with a previous run: {{warning}}
{{/has_warning}}
{{#compared}}

## Since the previous run

Compared with the run of {{previous_as_of}} ({{previous_run_dir}}){{^previous_complete}}, which was incomplete{{/previous_complete}}.
{{#none}}

Nothing changed.
{{/none}}
{{#has_new_urgent}}

### New critical and high findings

| Severity | Check | Object | Accounts |
|---|---|---|---|
{{#new_urgent}}
| {{severity_label}} | {{check_label}} | {{object}} | {{accounts}} |
{{/new_urgent}}
{{#has_new_urgent_more}}

{{new_urgent_more}}
{{/has_new_urgent_more}}
{{/has_new_urgent}}
{{#has_resolved}}

### Resolved findings

| Severity | Check | Object | Accounts |
|---|---|---|---|
{{#resolved}}
| {{severity_label}} | {{check_label}} | {{object}} | {{accounts}} |
{{/resolved}}
{{#has_resolved_more}}

{{resolved_more}}
{{/has_resolved_more}}
{{/has_resolved}}
{{#has_other}}

### Other changes

| Change | Object | Before → after | Accounts |
|---|---|---|---|
{{#other}}
| {{change_label}} | {{object}} | {{detail}} | {{accounts}} |
{{/other}}
{{#has_other_more}}

{{other_more}}
{{/has_other_more}}
{{/has_other}}
{{/compared}}
{{/changes}}
{{#has_failed_accounts}}

## Accounts that could not be fetched

| Account | Error | Requests |
|---|---|---:|
{{#failed_accounts}}
| {{account}} | {{error}} | {{attempts}} |
{{/failed_accounts}}
{{#has_failed_accounts_more}}

{{failed_accounts_more}}
{{/has_failed_accounts_more}}
{{/has_failed_accounts}}

## Critical and high findings

{{#has_urgent_findings}}
| Severity | Check | Object | Accounts | Message |
|---|---|---|---|---|
{{#urgent_findings}}
| {{severity_label}} | {{check_label}} | {{object}} | {{accounts}} | {{message}} |
{{/urgent_findings}}
{{#has_urgent_findings_more}}

{{urgent_findings_more}}
{{/has_urgent_findings_more}}
{{/has_urgent_findings}}
{{^has_urgent_findings}}
No unsuppressed critical or high finding.
{{/has_urgent_findings}}
{{#has_suppressed_findings}}

## Suppressed findings

Suppressed by the configuration, not counted above; listed for reference.

| Severity | Check | Object | Accounts | Reason |
|---|---|---|---|---|
{{#suppressed_findings}}
| {{severity_label}} | {{check_label}} | {{object}} | {{accounts}} | {{reason}} |
{{/suppressed_findings}}
{{#has_suppressed_findings_more}}

{{suppressed_findings_more}}
{{/has_suppressed_findings_more}}
{{/has_suppressed_findings}}

## Lines expired or expiring within {{soon_days}} days

{{#has_expiring_lines}}
About to expire first (soonest first), then the most recently expired; {{expiring_lines_total}} in all{{#has_expiring_lines_more}}; the nearest {{expiring_limit}} are shown{{/has_expiring_lines_more}}.

| Line | Node | Expires at | Days left | Status | Accounts |
|---|---|---|---:|---|---|
{{#expiring_lines}}
| {{line}} | {{node}} | {{available_at}} | {{days_left}} | {{status_label}} | {{accounts}} |
{{/expiring_lines}}
{{/has_expiring_lines}}
{{^has_expiring_lines}}
No line expired or expiring soon.
{{/has_expiring_lines}}

## Capacity by node

{{#has_nodes}}
| Node | Lines | Concurrency | In use | Free | Utilization | Saturated | Expiring |
|---|---:|---:|---:|---:|---:|---:|---:|
{{#nodes}}
| {{node}} | {{lines}} | {{concurrency}} | {{in_use}} | {{residue}} | {{utilization}} | {{saturated_lines}} | {{expiring_lines}} |
{{/nodes}}
{{#capacity}}
| **{{node}}** | **{{lines}}** | **{{concurrency}}** | **{{in_use}}** | **{{residue}}** | **{{utilization}}** | **{{saturated_lines}}** | **{{expiring_lines}}** |
{{/capacity}}
{{/has_nodes}}
{{^has_nodes}}
No lines.
{{/has_nodes}}

## Engine inventory

{{#has_engines}}
| Kind | Engine | Script groups | Active script groups | Accounts |
|---|---|---:|---:|---:|
{{#engines}}
| {{kind_label}} | {{engine}} | {{script_groups}} | {{active_script_groups}} | {{accounts}} |
{{/engines}}
{{/has_engines}}
{{^has_engines}}
No script groups.
{{/has_engines}}

## Counts

{{#counts}}
- Accounts: {{accounts}} ({{accounts_ok}} ok, {{accounts_failed}} failed{{#has_accounts_not_fetched}}, {{accounts_not_fetched}} not fetched: the run was interrupted{{/has_accounts_not_fetched}})
- Lines: {{lines}}, nodes: {{nodes}}
- Script groups: {{script_groups}} ({{active_script_groups}} active)
- Required recycle statuses not covered: {{recycle_gaps}}
- Findings: {{findings}} (and {{suppressed_findings}} suppressed)
- Data warnings: {{warnings}}
- Stale suppressions: {{stale_suppressions}}
{{/counts}}

| Severity | Findings | Suppressed |
|---|---:|---:|
{{#findings_by_severity}}
| {{label}} | {{count}} | {{suppressed}} |
{{/findings_by_severity}}

| Expiry status | Lines |
|---|---:|
{{#lines_by_status}}
| {{label}} | {{count}} |
{{/lines_by_status}}

---

Written by yunfu-report; the full data is in the workbook and the CSV files.

"""##

}
