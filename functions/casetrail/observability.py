"""Logger, Tracer and Metrics, created once and shared by every handler."""

from aws_lambda_powertools import Logger, Metrics, Tracer

SERVICE = "casetrail"

logger = Logger(service=SERVICE)
tracer = Tracer(service=SERVICE)
metrics = Metrics(service=SERVICE, namespace="Casetrail")
