"""Adapters to what Casetrail calls outside DynamoDB: SNS email, KMS-sealed signing secrets, webhook
receivers (with the SSRF checks on their addresses). Like store/ for DynamoDB, the only code that
knows those services' APIs."""
