"""The Reports window: volume, response times, SLA compliance, reopen rate, backlog,
satisfaction and the agent table, each as a chart and a table, exported as CSV or PDF."""
