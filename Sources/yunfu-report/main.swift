import YunfuReport

await YunfuReportCommand.runMain()
