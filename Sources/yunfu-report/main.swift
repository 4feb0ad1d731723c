import YunfuReportCLI

await YunfuReportCommand.runMain()
